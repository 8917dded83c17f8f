/**
 * A creator's catalog: the products they listed. Exported so a creator gets their listings back; erasure
 * leaves the products in place (orders and live sessions refer to them, and they hold no personal data once
 * the account is anonymised: cards then show "Deleted user", and the cached ones are purged) but withdraws
 * them from sale: nobody is left to ship them. Other buyers' unpaid orders of them are cancelled
 * (`seller_erased`). Their stock goes to zero through the inventory path (units
 * other buyers' orders and holds reserved stay theirs, to be paid for, cancelled or expired), viewers and
 * cards follow the `stock.changed` event, and orders refuse them from then on (order-lines.ts), also once
 * reserved units come back. Registered after the live and orders areas, whose releases would otherwise put
 * units back on sale after the withdrawal.
 */
import { and, eq } from 'drizzle-orm';
import { createDb, type Db } from '../../db/client';
import { orderItems, orders, products } from '../../db/schema';
import { type EventContext, emitDomainEvent } from '../domain-events';
import { withdrawCreatorStatements } from '../inventory';
import { cancelForErasedSeller } from '../order-actions';
import type { PrivacyArea } from '../privacy';

/**
 * Other buyers' unpaid orders with a line of the creator's products: they can no longer be paid (ensurePayment
 * refuses them), so they are cancelled now, whole, with their open intents, rather than left holding units until
 * they expire. An order paid meanwhile stays paid (refund it if it cannot ship).
 */
async function cancelUnpaidOrdersOf(db: Db, creatorId: string, events: EventContext) {
  const unpaid = await db
    .selectDistinct({ id: orders.id })
    .from(products)
    .innerJoin(orderItems, eq(orderItems.productId, products.id))
    .innerJoin(orders, eq(orders.id, orderItems.orderId))
    .where(and(eq(products.creatorId, creatorId), eq(orders.status, 'pending_payment')));
  let cancelled = 0;
  for (const { id } of unpaid) if (await cancelForErasedSeller(db, id, events)) cancelled += 1;
  return cancelled;
}

export const catalogArea: PrivacyArea = {
  name: 'catalog',
  async export(env, userId) {
    const rows = await createDb(env.DB)
      .select({
        id: products.id,
        title: products.title,
        description: products.description,
        categoryId: products.categoryId,
        tags: products.tags,
        media: products.media,
        currency: products.currency,
        createdAt: products.createdAt,
        updatedAt: products.updatedAt,
      })
      .from(products)
      .where(eq(products.creatorId, userId));
    return { products: rows };
  },
  async erase(env, userId, events) {
    const db = createDb(env.DB);
    // First, so the units those orders release are withdrawn with the rest.
    const ordersCancelled = await cancelUnpaidOrdersOf(db, userId, events);
    const [variants] = await db.batch(withdrawCreatorStatements(db, userId));
    const productIds = [...new Set(variants.map((v) => v.productId))];
    if (productIds.length > 0) {
      await emitDomainEvent({ type: 'stock.changed', productIds, reason: 'account.erased' }, events);
    }
    return { productsWithdrawn: productIds.length, ordersCancelled };
  },
};
