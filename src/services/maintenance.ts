/**
 * Periodic housekeeping, run by the cron trigger in wrangler.toml (every minute): unpaid orders past
 * their payment window are cancelled and their units released, and idempotency keys past their
 * retention are deleted. Both are also safe to run by hand or twice.
 */
import { createDb } from '../db/client';
import { purgeExpiredIdempotencyKeys } from '../lib/idempotency';
import { log } from '../lib/logger';
import { expireDueOrders } from './order-actions';

export async function runScheduledMaintenance(env: Env, now = Date.now()) {
  const requestId = `cron-${now}`;
  const expiredOrders = await expireDueOrders(createDb(env.DB), { env, requestId }, now);
  const purgedKeys = await purgeExpiredIdempotencyKeys(env, now);
  log('info', 'maintenance', { requestId, expiredOrders, purgedKeys });
  return { expiredOrders, purgedKeys };
}
