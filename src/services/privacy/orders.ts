/**
 * Orders, payments, the cart and stored idempotent responses. Orders stay for accounting with the buyer
 * removed (`userId` null; line items name products, not people) and with the Idempotency-Key the buyer's app
 * chose (any string: it could name the buyer); the cart and the replayable responses (which may echo personal
 * data) are deleted. Payment client secrets are never exported, nor internal tokens and request fingerprints.
 *
 * Unpaid orders are cancelled first, as the buyer's own cancel does (units back on sale, live shows told,
 * payment intents cancelled): they reserved their units until the payment window ended, for nobody. They
 * are cancelled before the orders are anonymised, so a retried erasure still finds any it did not get to.
 */
import { and, eq } from 'drizzle-orm';
import { inList } from '../../db/bounded';
import { createDb, type Db } from '../../db/client';
import { carts, idempotencyKeys, orderItems, orders, payments } from '../../db/schema';
import { ApiError } from '../../lib/errors';
import type { EventContext } from '../domain-events';
import { cancelOrder } from '../order-actions';
import type { PrivacyArea } from '../privacy';

async function cancelUnpaid(db: Db, userId: string, events: EventContext) {
  const unpaid = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.status, 'pending_payment')));
  let cancelled = 0;
  for (const order of unpaid) {
    try {
      await cancelOrder(db, order, events, 'account_erased');
      cancelled += 1;
    } catch (error) {
      // Paid or expired meanwhile: it is no longer unpaid, and stays as it is.
      if (!(error instanceof ApiError && error.code === 'invalid_state')) throw error;
    }
  }
  return cancelled;
}

export const ordersArea: PrivacyArea = {
  name: 'orders',
  async export(env, userId) {
    const db = createDb(env.DB);
    const [mine, cart] = await db.batch([
      db.select().from(orders).where(eq(orders.userId, userId)),
      db.select().from(carts).where(eq(carts.userId, userId)),
    ]);
    const ids = mine.map((o) => o.id);
    const [items, pays] = ids.length
      ? await db.batch([
          db.select().from(orderItems).where(inList(orderItems.orderId, ids)),
          db
            .select({
              id: payments.id,
              orderId: payments.orderId,
              provider: payments.provider,
              amount: payments.amount,
              currency: payments.currency,
              status: payments.status,
              createdAt: payments.createdAt,
            })
            .from(payments)
            .where(inList(payments.orderId, ids)),
        ])
      : [[], []];
    return {
      orders: mine.map(({ transitionToken: _t, idempotencyFingerprint: _f, ...o }) => ({
        ...o,
        items: items.filter((i) => i.orderId === o.id),
        payments: pays.filter((p) => p.orderId === o.id),
      })),
      cart: cart[0] ?? null,
    };
  },
  async erase(env, userId, events) {
    const db = createDb(env.DB);
    const cancelled = await cancelUnpaid(db, userId, events);
    const [o, c, k] = await db.batch([
      db
        .update(orders)
        .set({ userId: null, idempotencyKey: null, idempotencyFingerprint: null })
        .where(eq(orders.userId, userId))
        .returning({ id: orders.id }),
      db.delete(carts).where(eq(carts.userId, userId)).returning({ id: carts.userId }),
      db.delete(idempotencyKeys).where(eq(idempotencyKeys.scope, userId)).returning({ key: idempotencyKeys.key }),
    ]);
    return { unpaidCancelled: cancelled, ordersAnonymised: o.length, carts: c.length, idempotentResponses: k.length };
  },
};
