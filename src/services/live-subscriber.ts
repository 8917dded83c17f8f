/**
 * Stock changed somewhere (an order, a cancellation, a payment, a catalog edit): the live sessions that
 * show those products re-read D1 and tell their viewers. One indexed query when no session shows them.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import { createDb } from '../db/client';
import { liveSessionProducts, liveSessions } from '../db/schema';
import { log } from '../lib/logger';
import type { DomainEvent, EventContext } from './domain-events';
import { liveStub } from './live-sessions';

export async function notifyLiveSessions(event: DomainEvent, ctx: EventContext) {
  if (event.type !== 'stock.changed' || event.productIds.length === 0) return;
  const db = createDb(ctx.env.DB);
  const rows = await db
    .selectDistinct({ sessionId: liveSessionProducts.sessionId })
    .from(liveSessionProducts)
    .innerJoin(liveSessions, eq(liveSessions.id, liveSessionProducts.sessionId))
    .where(and(inArray(liveSessionProducts.productId, event.productIds), ne(liveSessions.status, 'ended')));
  await Promise.all(
    rows
      .filter((row) => row.sessionId !== event.liveSessionId)
      .map(async ({ sessionId }) => {
        try {
          const result = await liveStub(ctx.env, sessionId).notifyStockChanged(event.productIds);
          if (!result.ok) log('warn', 'live_notify_failed', { requestId: ctx.requestId, sessionId, ...result.error });
        } catch (error) {
          // The sale itself succeeded; viewers catch up on their next event or reconnect.
          log('error', 'live_notify_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
        }
      }),
  );
}
