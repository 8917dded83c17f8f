/**
 * Periodic housekeeping, run by the cron trigger in wrangler.toml (every minute):
 * - live-hold conversions whose order was never written are completed (order-from-hold.ts);
 * - unpaid orders past their payment window are cancelled and their units released;
 * - payments no order needs that their webhook did not refund are refunded (payments/unneeded.ts);
 * - paid orders the purchase read model missed are recorded (social-subscriber.ts);
 * - live sessions whose object missed news of a change, or left a hold active past its time, catch up with
 *   D1 (live-resync.ts);
 * - erasures whose live part could not finish (a session's object failing) are finished
 *   (privacy/live-resume.ts);
 * - idempotency keys past their retention are deleted.
 * All are safe to run by hand or twice.
 */
import { createDb } from '../db/client';
import { idempotencyTtlMs, purgeExpiredIdempotencyKeys } from '../lib/idempotency';
import { log } from '../lib/logger';
import { resyncLiveSessions } from './live-resync';
import { expireDueOrders } from './order-actions';
import { completeStrandedConversions } from './order-from-hold';
import { forgetOrderKeys } from './order-recovery';
import { sweepUnneededPayments } from './payments/unneeded';
import { finishLiveErasures } from './privacy/live-resume';
import { recordMissedPurchases } from './social-subscriber';

export async function runScheduledMaintenance(env: Env, now = Date.now()) {
  const requestId = `cron-${now}`;
  const db = createDb(env.DB);
  const completedConversions = await completeStrandedConversions(db, { env, requestId }, now);
  const expiredOrders = await expireDueOrders(db, { env, requestId }, now);
  const refundedPayments = await sweepUnneededPayments(db, env, { env, requestId }, now);
  const recordedPurchases = await recordMissedPurchases({ env, requestId }, now);
  const resyncedSessions = await resyncLiveSessions({ env, requestId }, now);
  const finishedErasures = await finishLiveErasures({ env, requestId });
  const purgedKeys = await purgeExpiredIdempotencyKeys(env, now);
  // Orders keep a copy of their key (order-recovery.ts) exactly as long as the key's own row.
  const forgottenOrderKeys = await forgetOrderKeys(db, now - idempotencyTtlMs(env));
  const done = {
    completedConversions,
    expiredOrders,
    refundedPayments,
    recordedPurchases,
    resyncedSessions,
    finishedErasures,
    purgedKeys,
    forgottenOrderKeys,
  };
  log('info', 'maintenance', { requestId, ...done });
  return done;
}
