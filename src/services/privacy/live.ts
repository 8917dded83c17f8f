/**
 * Live shopping: sessions the user hosted, their holds (D1), and what each session's Durable Object keeps
 * about them (chat messages, holds), found through `live_participants`. Erasure first ends the shows the user
 * was running or had scheduled (nobody is left to host them; a scheduled one would otherwise start by itself),
 * then asks every object the user took part in (or holds units in) to release their active holds (the units
 * are on sale again at once, not when the holds would have expired), close their open sockets, erase their
 * chat and unlink their holds, then forgets the participation. Hosted sessions and D1 holds stay as
 * accounting records, pointing at the anonymised account.
 */
import { and, eq, ne } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { holds, liveParticipants, liveSessions } from '../../db/schema';
import { liveStub, unwrap } from '../live-sessions';
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

/** Ends the user's shows that have not ended, as their host would; one already ended meanwhile is skipped. */
async function endHostedShows(env: Env, userId: string) {
  const open = await createDb(env.DB)
    .select({ id: liveSessions.id })
    .from(liveSessions)
    .where(and(eq(liveSessions.creatorId, userId), ne(liveSessions.status, 'ended')));
  let ended = 0;
  for (const { id } of open) {
    const result = await liveStub(env, id).end({ userId, role: 'creator' });
    if (result.ok) ended += 1;
    else if (result.error.code !== 'invalid_state') unwrap(result);
  }
  return ended;
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
  async erase(env, userId) {
    const ended = await endHostedShows(env, userId);
    const sessionIds = await sessionsToErase(env, userId);
    let messages = 0;
    let released = 0;
    for (const id of sessionIds) {
      const erased = unwrap(await liveStub(env, id).eraseUser(userId));
      messages += erased.messages;
      released += erased.released;
    }
    await createDb(env.DB).delete(liveParticipants).where(eq(liveParticipants.userId, userId));
    return { sessions: sessionIds.length, chatMessages: messages, holdsReleased: released, showsEnded: ended };
  },
};
