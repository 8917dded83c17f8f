/**
 * Live shopping: sessions the user hosted, their holds (D1), and what each session's Durable Object keeps
 * about them (chat messages, holds), found through `live_participants`. Erasure first ends the shows the user
 * was running or had scheduled (nobody is left to host them; a scheduled one would otherwise start by itself),
 * then asks every object the user took part in (or holds units in) to release their active holds (the units
 * are on sale again at once, not when the holds would have expired), close their open sockets, erase their
 * chat and unlink their holds, then forgets the participation. Hosted sessions stay as accounting records,
 * pointing at the anonymised account; D1 holds stay too, and stop naming the person once their units are
 * settled (`unlinkSettledHolds`), as orders drop their buyer. A hold the Worker converted without writing its
 * order is completed first, while the object still knows whose it is, so the orders area cancels that order and
 * its units go back on sale (left for the cron, the object would no longer convert it for anyone).
 *
 * An object that cannot do its part (unreachable, overloaded, its storage failing) does not stop the erasure:
 * a failed one waits for the user to sign in again and retry (their tokens are already revoked), and one
 * broken object would fail every retry. The session is skipped and its participation row kept (written if only
 * a hold led here), marked as left; the maintenance cron finishes both that and a show left running
 * (live-resume.ts).
 */
import { and, eq, exists, ne, notExists, or } from 'drizzle-orm';
import { createDb, type Db } from '../../db/client';
import { holds, liveParticipants, liveSessions, orders } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { liveStub, unwrap } from '../live-sessions';
import { placeOrderFromHold } from '../order-from-hold';
import type { PrivacyArea } from '../privacy';

/**
 * Who a D1 hold names once its person's account is erased. `user_id` is NOT NULL (and indexed), so the link is
 * replaced rather than nulled as orders' is: one shared value that is no account id (those are `usr_…`), so no
 * caller can ever own such a hold, no erased person is told apart from another, and no migration is needed.
 */
export const ERASED_HOLDER = 'erased';

const orderOfHold = (db: Db) => db.select({ id: orders.id }).from(orders).where(eq(orders.id, holds.orderId));

/**
 * Unlinks the user's holds whose units are settled: released, expired, or converted into an order that exists
 * (the order holds the units now, found by its id, never by the hold's owner). An active hold keeps its owner,
 * as its session object finds and releases it by them, and so does a conversion whose order was never written:
 * completing it needs the owner (order-from-hold.ts). Safe to repeat; a statement, to run in a batch.
 */
export function unlinkSettledHolds(db: Db, userId: string) {
  return db
    .update(holds)
    .set({ userId: ERASED_HOLDER })
    .where(
      and(
        eq(holds.userId, userId),
        ne(holds.status, 'active'),
        or(ne(holds.status, 'converted'), exists(orderOfHold(db))),
      ),
    )
    .returning({ id: holds.id });
}

/**
 * Keeps the user's participation in a session whose object could not erase them, marked for the cron (an
 * upsert: a row they had from taking part gets the mark too). A statement, to run in a batch.
 */
function leaveForCron(db: Db, sessionId: string, userId: string) {
  const now = Date.now();
  return db
    .insert(liveParticipants)
    .values({ sessionId, userId, firstSeenAt: now, erasureLeftAt: now })
    .onConflictDoUpdate({ target: [liveParticipants.userId, liveParticipants.sessionId], set: { erasureLeftAt: now } });
}

/** Writes the orders of the user's holds converted without one (the Worker stopped in between); logged if not. */
async function completeConversions(db: Db, userId: string, events: EventContext) {
  const stranded = await db
    .select({ id: holds.id })
    .from(holds)
    .where(and(eq(holds.userId, userId), eq(holds.status, 'converted'), notExists(orderOfHold(db))));
  for (const { id } of stranded) {
    try {
      await placeOrderFromHold(db, { userId, holdId: id }, events);
    } catch (error) {
      log('error', 'privacy_hold_order_failed', {
        requestId: events.requestId,
        userId,
        holdId: id,
        error: String(error),
      });
    }
  }
}

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
  async erase(env, userId, events) {
    const { requestId } = events;
    const shows = await endHostedShows(env, userId, requestId);
    await completeConversions(createDb(env.DB), userId, events);
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
    const [, unlinked] = await db.batch([
      db.delete(liveParticipants).where(eq(liveParticipants.userId, userId)),
      unlinkSettledHolds(db, userId),
      ...left.map((id) => leaveForCron(db, id, userId)),
    ]);
    return {
      sessions: sessionIds.length,
      sessionsLeft: left.length,
      chatMessages: messages,
      holdsReleased: released,
      holdsUnlinked: unlinked.length,
      ...shows,
    };
  },
};
