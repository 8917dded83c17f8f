/**
 * An order's recovery point (Stripe's "atomic phases"). The Idempotency-Key's row in `idempotency_keys` is
 * written apart from the order, so it can be lost after the order committed: the isolate dies before the
 * row is completed (a retry takes the stale claim over a minute later), or a 5xx after the commit drops
 * the claim. Either way the retry runs the handler again. So the order carries the buyer's key and the
 * placing request's fingerprint, written in the order's own D1 batch (`orders_user_idempotency_key_unique`):
 * the retry finds the order it placed instead of placing a second one.
 */
import { and, eq, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type OrderItemRow, type OrderRow, orderItems, orders } from '../db/schema';
import type { IdempotencyClaim } from '../lib/context';
import { ApiError } from '../lib/errors';

/** The order placed with an idempotency key: what a retry of the placing request answers with. */
export interface PlacedOrder {
  order: OrderRow;
  items: OrderItemRow[];
}

/**
 * The order `userId` placed with `claim.key`, if any.
 * @throws ApiError `idempotency_key_reused` (422) when that order was placed by another request (another body)
 * @example
 *   const placed = await orderPlacedWith(db, userId, c.get('idempotency'));
 */
export async function orderPlacedWith(
  db: Db,
  userId: string,
  claim: IdempotencyClaim | undefined,
): Promise<PlacedOrder | undefined> {
  if (!claim) return undefined;
  const order = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), eq(orders.idempotencyKey, claim.key)))
    .get();
  if (!order) return undefined;
  if (order.idempotencyFingerprint !== claim.fingerprint) {
    throw new ApiError('idempotency_key_reused', 'This Idempotency-Key placed an order for a different request');
  }
  const items = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id)).orderBy(orderItems.position);
  return { order, items };
}

/**
 * Gives `userId`'s order that was written without a key (the cron completed its hold's conversion:
 * order-from-hold.ts) the key of the buyer's retry, so an outbox that comes back online gets the order its
 * request made rather than a 409, and the same key answers with it from then on.
 * @returns the order, or undefined when it already answers for a key (then it is not this request's)
 */
export async function adoptOrderKey(
  db: Db,
  orderId: string,
  userId: string,
  claim: IdempotencyClaim | undefined,
): Promise<PlacedOrder | undefined> {
  if (!claim) return undefined;
  const [order] = await db
    .update(orders)
    .set({ idempotencyKey: claim.key, idempotencyFingerprint: claim.fingerprint })
    .where(and(eq(orders.id, orderId), eq(orders.userId, userId), isNull(orders.idempotencyKey)))
    .returning();
  if (!order) return undefined;
  const items = await db.select().from(orderItems).where(eq(orderItems.orderId, order.id)).orderBy(orderItems.position);
  return { order, items };
}

/**
 * Forgets the keys of orders placed before `before`: a key is kept as long as its `idempotency_keys` row
 * (IDEMPOTENCY_KEY_TTL_SECONDS), so after that it is free again, and a client-chosen string is not kept for
 * ever. Run by the cron with the rows' purge (src/lib/idempotency.ts).
 * @returns how many orders forgot their key
 */
export async function forgetOrderKeys(db: Db, before: number): Promise<number> {
  const rows = await db
    .update(orders)
    .set({ idempotencyKey: null, idempotencyFingerprint: null })
    .where(and(isNotNull(orders.idempotencyKey), lt(orders.createdAt, before)))
    .returning({ id: orders.id });
  return rows.length;
}
