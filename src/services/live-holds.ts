/**
 * Holds for the orders service: `POST /v1/orders {holdId}` turns a live-session hold into an order.
 * The hold's session object is the single writer for it, so conversion goes through that object.
 *
 * @example
 * const { productId, variantId, quantity } = await convertLiveHold(env, { holdId, userId, orderId });
 * // the units are already reserved for the order: insert the order without reserving again
 */
import { eq } from 'drizzle-orm';
import { createDb } from '../db/client';
import { holds } from '../db/schema';
import { ApiError } from '../lib/errors';
import { liveStub, unwrap } from './live-sessions';

export interface ConvertHoldInput {
  holdId: string;
  userId: string;
  orderId: string;
}

/**
 * Marks the hold converted to `orderId` (idempotent for the same order).
 * Throws ApiError: 404 not_found (unknown or someone else's), 410 gone (expired or released),
 * 409 invalid_state (already converted to another order), 400 validation_failed (malformed ids).
 */
export async function convertLiveHold(env: Env, input: ConvertHoldInput) {
  const [row] = await createDb(env.DB)
    .select({ sessionId: holds.sessionId, userId: holds.userId })
    .from(holds)
    .where(eq(holds.id, input.holdId));
  if (!row || row.userId !== input.userId) throw new ApiError('not_found', 'Hold not found');
  return unwrap(await liveStub(env, row.sessionId).convertHold(input));
}
