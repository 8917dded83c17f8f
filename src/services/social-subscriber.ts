/**
 * Keeps the purchase read model (purchases.ts) in step with orders: a paid order is recorded (and
 * attributed to its share code), a cancelled or refunded one stops counting. Cards then refresh.
 * Registered in src/services/subscribers.ts; the cron catches up on orders it missed (recordMissedPurchases).
 */
import { and, between, eq, inArray, notExists } from 'drizzle-orm';
import { createDb } from '../db/client';
import { orderItems, orders, purchases } from '../db/schema';
import { log } from '../lib/logger';
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
    // A refund or cancel may have committed since the order was read, its removal running before this record:
    // read the status again, after writing, and take the record back if the order no longer stands.
    const now = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id)).get();
    if (now?.status !== 'paid' && now?.status !== 'fulfilled') await removeOrder(db, order.id);
  } else {
    await removeOrder(db, order.id);
  }
  const productIds = [...new Set(items.map((i) => i.productId))];
  if (productIds.length > 0) await emitDomainEvent({ type: 'product.stats_changed', productIds }, ctx);
}

/** A paid order is left to its own request this long before the cron looks for its purchase rows. */
const MISSED_AFTER_MS = 5 * 60_000;
const LOOK_BACK_MS = 24 * 60 * 60_000;

/**
 * Records paid orders the read model missed. The subscriber runs after the payment committed; if it failed
 * there, the provider's redelivery is a duplicate (its event id was stored with the payment) and runs nothing.
 * recordPaidOrder writes everything in one batch, so an order with no purchase rows has none of its effects.
 * @returns how many orders were recorded
 */
export async function recordMissedPurchases(ctx: EventContext, now = Date.now(), limit = 100): Promise<number> {
  const db = createDb(ctx.env.DB);
  const missed = await db
    .select({ id: orders.id, userId: orders.userId })
    .from(orders)
    .where(
      and(
        between(orders.paidAt, now - LOOK_BACK_MS, now - MISSED_AFTER_MS),
        inArray(orders.status, ['paid', 'fulfilled']),
        notExists(db.select({ id: purchases.orderId }).from(purchases).where(eq(purchases.orderId, orders.id))),
      ),
    )
    .limit(limit);
  let recorded = 0;
  for (const order of missed) {
    try {
      await onOrderEvent({ type: 'order.paid', orderId: order.id, userId: order.userId }, ctx);
      recorded += 1;
    } catch (error) {
      // The next run tries again; one failure must not stop the others.
      log('error', 'missed_purchase_failed', { requestId: ctx.requestId, orderId: order.id, error: String(error) });
    }
  }
  return recorded;
}
