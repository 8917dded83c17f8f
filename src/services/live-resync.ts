/**
 * A live session's object learns of changes made elsewhere (orders, cancellations, catalog edits) from calls
 * the subscriber makes (live-subscriber.ts). When such a call fails, the change stands in D1 but the show's
 * figures lag: viewers' stock, `sold`, the stored summary. The failure is written down on the session's D1
 * row, and the maintenance cron has the object catch up with D1 (its `resync`) until one call succeeds.
 *
 * The cron also resyncs sessions with a hold D1 still has active past its time: the object that expires
 * holds by alarm never took that one in (it was reset between D1's write and its own), and its units would
 * stay reserved for good.
 */
import { and, eq, isNotNull, lt } from 'drizzle-orm';
import { createDb, type Db } from '../db/client';
import { holds, liveSessions } from '../db/schema';
import { log } from '../lib/logger';
import type { EventContext } from './domain-events';
import { liveStub } from './live-sessions';

/** How long past its expiry a hold may stay active in D1 before the object is asked (its alarm comes first). */
const HOLD_EXPIRY_GRACE_MS = 2 * 60_000;
/** Sessions resynced per cron run: each is a few D1 reads in its object; the rest wait a minute. */
const PER_RUN = 25;

/** Writes down that the session's object missed news of a change. Never throws: the caller's change stands. */
export async function requestResync(ctx: EventContext, sessionId: string) {
  try {
    await createDb(ctx.env.DB)
      .update(liveSessions)
      .set({ resyncRequestedAt: Date.now() })
      .where(eq(liveSessions.id, sessionId));
  } catch (error) {
    log('error', 'live_resync_request_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
  }
}

async function sessionsToResync(db: Db, now: number) {
  const [requested, stranded] = await db.batch([
    db
      .select({ id: liveSessions.id, requestedAt: liveSessions.resyncRequestedAt })
      .from(liveSessions)
      .where(isNotNull(liveSessions.resyncRequestedAt))
      .limit(PER_RUN),
    db
      .selectDistinct({ id: holds.sessionId })
      .from(holds)
      .where(and(eq(holds.status, 'active'), lt(holds.expiresAt, now - HOLD_EXPIRY_GRACE_MS)))
      .limit(PER_RUN),
  ]);
  // Requests first: a hold its object cannot expire (D1 failing for it too) must not hold them up.
  const sessions = new Map<string, number | null>(requested.map((row) => [row.id, row.requestedAt]));
  for (const row of stranded) if (!sessions.has(row.id)) sessions.set(row.id, null);
  return [...sessions].slice(0, PER_RUN);
}

/** The cron's part: resyncs the sessions that need it; returns how many caught up. */
export async function resyncLiveSessions(ctx: EventContext, now = Date.now()) {
  const db = createDb(ctx.env.DB);
  let done = 0;
  for (const [sessionId, requestedAt] of await sessionsToResync(db, now)) {
    try {
      const result = await liveStub(ctx.env, sessionId).resync();
      if (!result.ok) log('warn', 'live_resync_failed', { requestId: ctx.requestId, sessionId, ...result.error });
      else done++;
      // A failure the object answered (no such session) would answer the same next time. A request made
      // since this one was read stays for the next run.
      if (requestedAt !== null) {
        await db
          .update(liveSessions)
          .set({ resyncRequestedAt: null })
          .where(and(eq(liveSessions.id, sessionId), eq(liveSessions.resyncRequestedAt, requestedAt)));
      }
    } catch (error) {
      log('error', 'live_resync_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
    }
  }
  return done;
}
