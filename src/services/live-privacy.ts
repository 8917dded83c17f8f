/**
 * A user's personal data in live sessions, for `GET /v1/me/export` and `DELETE /v1/me`: chat messages and
 * holds live in each session's object; `live_participants` and `holds` in D1 say which sessions to ask.
 */
import { eq } from 'drizzle-orm';
import { createDb } from '../db/client';
import { holds, liveParticipants } from '../db/schema';
import { liveStub, unwrap } from './live-sessions';

/** Placeholder owner for the holds of an erased account (holds are kept for accounting, like orders). */
export const ERASED_USER = 'usr_erased';

async function sessionsOf(env: Env, userId: string) {
  const db = createDb(env.DB);
  const [joined, held] = await Promise.all([
    db.select({ id: liveParticipants.sessionId }).from(liveParticipants).where(eq(liveParticipants.userId, userId)),
    db.selectDistinct({ id: holds.sessionId }).from(holds).where(eq(holds.userId, userId)),
  ]);
  return [...new Set([...joined, ...held].map((r) => r.id))];
}

/** Every live session's chat messages and holds of the user. */
export async function exportLiveData(env: Env, userId: string) {
  const sessions = await sessionsOf(env, userId);
  return Promise.all(sessions.map(async (id) => unwrap(await liveStub(env, id).exportUser(userId))));
}

/** Blanks the user's messages in every session, detaches their holds, and forgets their participation. */
export async function eraseLiveData(env: Env, userId: string) {
  const sessions = await sessionsOf(env, userId);
  for (const id of sessions) unwrap(await liveStub(env, id).eraseUser(userId));
  const db = createDb(env.DB);
  await db.batch([
    db.update(holds).set({ userId: ERASED_USER }).where(eq(holds.userId, userId)),
    db.delete(liveParticipants).where(eq(liveParticipants.userId, userId)),
  ]);
  return { sessions: sessions.length };
}
