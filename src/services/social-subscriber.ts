/**
 * Keeps the purchase read model (purchases.ts) in step with orders: a paid order is recorded (and
 * attributed to its share code), a cancelled or refunded one stops counting. Cards then refresh.
 * Registered in src/services/subscribers.ts.
 */
import { eq } from 'drizzle-orm';
import { createDb } from '../db/client';
import { orderItems, orders } from '../db/schema';
import { type DomainEvent, type EventContext, emitDomainEvent } from './domain-events';
import { recordPaidOrder, removeOrder } from './purchases';

export async function onOrderEvent(event: DomainEvent, ctx: EventContext): Promise<void> {
  if (event.type !== 'order.paid' && event.type !== 'order.cancelled' && event.type !== 'order.refunded') return;
  const db = createDb(ctx.env.DB);
  const [orderRows, items] = await db.batch([
    db.select().from(orders).where(eq(orders.id, event.orderId)),
    db.select().from(orderItems).where(eq(orderItems.orderId, event.orderId)),
  ]);
  const order = orderRows[0];
  if (!order) return;
  if (event.type === 'order.paid') {
    await recordPaidOrder(db, {
      orderId: order.id,
      userId: order.userId,
      currency: order.currency,
      shareCode: order.shareCode,
      paidAt: order.paidAt ?? Date.now(),
      items: items.map((i) => ({ productId: i.productId, quantity: i.quantity, amount: i.unitPrice * i.quantity })),
    });
  } else {
    await removeOrder(db, order.id);
  }
  const productIds = [...new Set(items.map((i) => i.productId))];
  if (productIds.length > 0) await emitDomainEvent({ type: 'product.stats_changed', productIds }, ctx);
}
