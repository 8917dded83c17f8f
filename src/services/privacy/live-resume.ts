/**
 * The live part of erasures that could not finish at once (privacy/live.ts): a session object that failed to
 * erase the user keeps their `live_participants` row, marked as left for here (`erasure_left_at`), and a show
 * whose object could not end it stays live or scheduled under the anonymised host. The maintenance cron
 * finishes both, a bounded number per run, and unlinks the D1 holds such an object released late
 * (`unlinkSettledHolds`); each step is safe to repeat (the object's `eraseUser` finds nothing the second time,
 * an ended show is skipped).
 */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { createDb, type Db } from '../../db/client';
import { liveParticipants, liveSessions, users } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { liveStub } from '../live-sessions';
import { isErased } from './account';
import { endHostedShow, eraseInSession, unlinkSettledHolds } from './live';

/** Sessions and shows per cron run: each is one call to an object; the rest wait a minute. */
const PER_RUN = 25;
/**
 * In no fixed order, so objects that keep failing cannot take every run's places from the others. Cheap: the
 * reads already pass over every candidate when none is left (the normal case), and there are few when some are.
 */
const anyOrder = sql`random()`;

/**
 * Participation rows erasures left (marked by them), each a session whose object still keeps something of an
 * erased user; a few, in any order. Read through their partial index, so a run costs what is left, not what
 * was ever erased (plan checked in test/services/live-resume-plans.test.ts).
 */
export const leftParticipations = (db: Db) =>
  db
    .select({ sessionId: liveParticipants.sessionId, userId: liveParticipants.userId })
    .from(liveParticipants)
    .where(isNotNull(liveParticipants.erasureLeftAt))
    .orderBy(anyOrder)
    .limit(PER_RUN);

export async function finishLiveErasures(ctx: EventContext) {
  const db = createDb(ctx.env.DB);
  const [shows, rows] = await db.batch([
    // Driven by the status index: few shows are live or scheduled at a time.
    db
      .select({ id: liveSessions.id, creatorId: liveSessions.creatorId })
      .from(liveSessions)
      .innerJoin(users, eq(users.id, liveSessions.creatorId))
      .where(and(inArray(liveSessions.status, ['scheduled', 'live']), isErased()))
      .orderBy(anyOrder)
      .limit(PER_RUN),
    leftParticipations(db),
  ]);
  let ended = 0;
  for (const show of shows) {
    const outcome = await endHostedShow(ctx.env, show.creatorId, show.id, ctx.requestId);
    // Its object ended it but D1 never heard: the resync writes the ended show to D1, or it would come back here.
    if (outcome === 'ended' || (outcome === 'already' && (await resyncEnded(ctx, show.id)))) ended++;
  }
  let erased = 0;
  for (const row of rows) {
    if (!(await eraseInSession(ctx.env, row.userId, row.sessionId, ctx.requestId))) continue;
    // The object released the holds it kept active: they no longer name the user in D1 either.
    await db.batch([
      db
        .delete(liveParticipants)
        .where(and(eq(liveParticipants.userId, row.userId), eq(liveParticipants.sessionId, row.sessionId))),
      unlinkSettledHolds(db, row.userId),
    ]);
    erased++;
  }
  return { shows: ended, sessions: erased };
}

async function resyncEnded(ctx: EventContext, sessionId: string) {
  try {
    const result = await liveStub(ctx.env, sessionId).resync();
    if (result.ok) return true;
    log('warn', 'live_resync_failed', { requestId: ctx.requestId, sessionId, ...result.error });
  } catch (error) {
    log('error', 'live_resync_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
  }
  return false;
}
