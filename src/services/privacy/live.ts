/**
 * Live shopping: sessions the user hosted, their holds (D1), and what each session's Durable Object keeps
 * about them (chat messages, holds), found through `live_participants`. Erasure first ends the shows the user
 * was running or had scheduled (nobody is left to host them; a scheduled one would otherwise start by itself),
 * then asks every object the user took part in (or holds units in) to release their active holds (the units
 * are on sale again at once, not when the holds would have expired), close their open sockets, erase their
 * chat and unlink their holds, then forgets the participation. Hosted sessions and D1 holds stay as
 * accounting records, pointing at the anonymised account.
 *
 * An object that cannot do its part (unreachable, overloaded, its storage failing) does not stop the erasure:
 * a failed one waits for the user to sign in again and retry (their tokens are already revoked), and one
 * broken object would fail every retry. The session is
 * skipped and its participation row kept (written if only a hold led here); the maintenance cron finishes
 * both that and a show left running (live-resume.ts).
 */
import { and, eq, ne } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { holds, liveParticipants, liveSessions } from '../../db/schema';
import { log } from '../../lib/logger';
import { liveStub, recordParticipant, unwrap } from '../live-sessions';
import type { PrivacyArea } from '../privacy';

async function participations(env: Env, userId: string) {
  return createDb(env.DB).select().from(liveParticipants).where(eq(liveParticipants.userId, userId));
}

/**
 * Sessions the object of which keeps something of the user: those they took part in, and any where D1 has a
 * hold of theirs still active (a hold is recorded as participation after it is made, and that write may fail).
 */
async function sessionsToErase(env: Env, userId: string) {
  const db = createDb(env.DB);
  const [joined, holding] = await db.batch([
    db.select({ id: liveParticipants.sessionId }).from(liveParticipants).where(eq(liveParticipants.userId, userId)),
    db
      .selectDistinct({ id: holds.sessionId })
      .from(holds)
      .where(and(eq(holds.userId, userId), eq(holds.status, 'active'))),
  ]);
  return [...new Set([...joined, ...holding].map((row) => row.id))];
}

/**
 * Ends one of the user's shows as its host would: 'ended', 'already' (its object has it ended, D1 may not yet),
 * or 'failed' (logged; the cron tries again).
 */
export async function endHostedShow(env: Env, userId: string, sessionId: string, requestId?: string) {
  try {
    const result = await liveStub(env, sessionId).end({ userId, role: 'creator' });
    if (result.ok) return 'ended';
    if (result.error.code === 'invalid_state') return 'already';
    unwrap(result);
  } catch (error) {
    log('error', 'privacy_live_end_failed', { requestId, userId, sessionId, error: String(error) });
  }
  return 'failed';
}

/** What the session's object erased about the user; undefined (logged) when it could not. */
export async function eraseInSession(env: Env, userId: string, sessionId: string, requestId?: string) {
  try {
    const result = await liveStub(env, sessionId).eraseUser(userId);
    if (result.ok) return result.value;
    // An answer would be the same next time (the object knows no such session, so keeps nothing of the user).
    log('warn', 'privacy_live_erase_refused', { requestId, userId, sessionId, ...result.error });
    return { messages: 0, holds: 0, released: 0, sockets: 0 };
  } catch (error) {
    log('error', 'privacy_live_erase_failed', { requestId, userId, sessionId, error: String(error) });
    return undefined;
  }
}

/** Ends the user's shows that have not ended; one already ended meanwhile is skipped. */
async function endHostedShows(env: Env, userId: string, requestId?: string) {
  const open = await createDb(env.DB)
    .select({ id: liveSessions.id })
    .from(liveSessions)
    .where(and(eq(liveSessions.creatorId, userId), ne(liveSessions.status, 'ended')));
  const outcomes = [];
  for (const { id } of open) outcomes.push(await endHostedShow(env, userId, id, requestId));
  return {
    showsEnded: outcomes.filter((o) => o === 'ended').length,
    showsLeft: outcomes.filter((o) => o === 'failed').length,
  };
}

export const liveArea: PrivacyArea = {
  name: 'live',
  async export(env, userId) {
    const db = createDb(env.DB);
    const [hosted, myHolds] = await db.batch([
      db.select().from(liveSessions).where(eq(liveSessions.creatorId, userId)),
      db.select().from(holds).where(eq(holds.userId, userId)),
    ]);
    const sessions = await Promise.all(
      (await participations(env, userId)).map(async (p) => ({
        sessionId: p.sessionId,
        firstSeenAt: p.firstSeenAt,
        stored: unwrap(await liveStub(env, p.sessionId).exportUser(userId)),
      })),
    );
    return { hostedSessions: hosted, holds: myHolds, participation: sessions };
  },
  async erase(env, userId, { requestId }) {
    const shows = await endHostedShows(env, userId, requestId);
    const sessionIds = await sessionsToErase(env, userId);
    let messages = 0;
    let released = 0;
    const left: string[] = [];
    for (const id of sessionIds) {
      const erased = await eraseInSession(env, userId, id, requestId);
      if (!erased) left.push(id);
      messages += erased?.messages ?? 0;
      released += erased?.released ?? 0;
    }
    // Sessions left for later keep a row (one batch, so never none): it is how the cron finds them.
    const db = createDb(env.DB);
    await db.batch([
      db.delete(liveParticipants).where(eq(liveParticipants.userId, userId)),
      ...left.map((id) => recordParticipant(db, id, userId)),
    ]);
    return {
      sessions: sessionIds.length,
      sessionsLeft: left.length,
      chatMessages: messages,
      holdsReleased: released,
      ...shows,
    };
  },
};
