/**
 * `POST /v1/orders {holdId}`: a live-session hold becomes an order. The hold's units are already reserved
 * (the live-session object reserved them through src/services/inventory.ts in the batch that wrote the
 * hold), so the order takes them over and reserves nothing new:
 *   1. read the hold row in D1: it must be the caller's (else 404) and not released/expired (410);
 *   2. price the line from D1 now (flash-sale and live prices are written through to `variants.price`);
 *   3. the session object marks the hold converted to this order id (idempotent per order id);
 *   4. insert the order (one batch; `orders.hold_id` is unique, so one hold makes at most one order) with the
 *      request's Idempotency-Key, so a retry with that key gets this order (the handler asks first, and
 *      src/services/order-recovery.ts explains why); a request with another key gets 409.
 * If step 4 never happens (the Worker died in between), the hold row names an order id that does not exist;
 * a retry finds it there and completes that same order, so the reserved units are not stranded. When no
 * retry comes, the maintenance cron completes it (completeStrandedConversions); an unpaid order then
 * expires like any other and its units go back on sale. A retry that comes after the cron (an offline outbox)
 * gets that keyless order and gives it its key (adoptOrderKey), instead of a 409.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { holds, orders } from '../db/schema';
import type { IdempotencyClaim } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { log } from '../lib/logger';
import type { EventContext } from './domain-events';
import { convertLiveHold } from './live-holds';
import { priceLines } from './order-lines';
import { adoptOrderKey } from './order-recovery';
import { placeOrder } from './orders';

export async function placeOrderFromHold(
  db: Db,
  input: { userId: string; holdId: string; shareCode?: string; idempotency?: IdempotencyClaim },
  ctx: EventContext,
) {
  const hold = await db.select().from(holds).where(eq(holds.id, input.holdId)).get();
  if (!hold || hold.userId !== input.userId) throw new ApiError('not_found', 'Hold not found');
  if (hold.status === 'released' || hold.status === 'expired') {
    throw new ApiError('gone', `The hold was ${hold.status}; its units are back on sale`);
  }
  let orderId = newId('order');
  if (hold.status === 'converted' && hold.orderId) {
    const existing = await db.select({ id: orders.id }).from(orders).where(eq(orders.id, hold.orderId)).get();
    if (existing) {
      const adopted = await adoptOrderKey(db, hold.orderId, input.userId, input.idempotency);
      if (adopted) return { ...adopted, replayed: true };
      throw new ApiError('invalid_state', `The hold already became order ${hold.orderId}`);
    }
    orderId = hold.orderId; // an earlier attempt converted it but never wrote the order: finish that one
  }
  const { lines, currency } = await priceLines(db, [
    { productId: hold.productId, variantId: hold.variantId, quantity: hold.quantity },
  ]);
  const converted = await convertLiveHold(ctx.env, { holdId: hold.id, userId: input.userId, orderId });
  if (converted.variantId !== hold.variantId || converted.quantity !== hold.quantity) {
    throw new ApiError('concurrent_update', 'The hold changed while it was being converted');
  }
  return placeOrder(
    db,
    {
      id: orderId,
      userId: input.userId,
      lines,
      currency,
      liveSessionId: hold.sessionId,
      shareCode: input.shareCode,
      holdId: hold.id,
      reserve: false,
      idempotency: input.idempotency,
    },
    ctx,
  );
}

/** A conversion is left to the buyer's own retry until this long after its hold would have expired. */
const STRANDED_AFTER_MS = 5 * 60_000;
const LOOK_BACK_MS = 24 * 60 * 60_000;

/**
 * Completes conversions whose order was never written (the Worker died between steps 3 and 4 and the buyer
 * did not retry), exactly as the buyer's retry would.
 * @returns how many orders were written
 */
export async function completeStrandedConversions(db: Db, ctx: EventContext, now = Date.now(), limit = 50) {
  const stranded = await db
    .select({ id: holds.id, userId: holds.userId })
    .from(holds)
    .where(
      and(
        eq(holds.status, 'converted'),
        gte(holds.expiresAt, now - LOOK_BACK_MS),
        lte(holds.expiresAt, now - STRANDED_AFTER_MS),
        sql`not exists (select 1 from ${orders} where ${orders.id} = ${holds.orderId})`,
      ),
    )
    .limit(limit);
  let completed = 0;
  for (const hold of stranded) {
    try {
      await placeOrderFromHold(db, { userId: hold.userId, holdId: hold.id }, ctx);
      completed += 1;
    } catch (error) {
      // The next run tries again; one failure must not stop the others.
      log('error', 'stranded_conversion_failed', { requestId: ctx.requestId, holdId: hold.id, error: String(error) });
    }
  }
  return completed;
}
