/**
 * Live now, for profiles, the feed and social proof: which sessions are live (D1 `live_sessions`) and how
 * many people watch each (the session's Durable Object counts its open sockets; nothing is estimated).
 */
import { and, eq } from 'drizzle-orm';
import { inList } from '../db/bounded';
import type { Db } from '../db/client';
import { liveSessions } from '../db/schema';
import { liveStub } from './live-sessions';

export interface LiveNowSummary {
  id: string;
  title: string;
}

export async function liveNowByHost(db: Db, hostIds: string[]): Promise<Map<string, LiveNowSummary>> {
  if (hostIds.length === 0) return new Map();
  const rows = await db
    .select({ id: liveSessions.id, title: liveSessions.title, creatorId: liveSessions.creatorId })
    .from(liveSessions)
    .where(and(eq(liveSessions.status, 'live'), inList(liveSessions.creatorId, hostIds)));
  return new Map(rows.map((r) => [r.creatorId, { id: r.id, title: r.title }]));
}

/** The host of a live session (the creator a share of it is attributed to). */
export async function liveSessionHost(db: Db, sessionId: string): Promise<string | undefined> {
  const row = await db.query.liveSessions.findFirst({
    columns: { creatorId: true },
    where: eq(liveSessions.id, sessionId),
  });
  return row?.creatorId;
}

/** Viewers connected to each session now (open sockets), asked of the sessions' objects in parallel. */
export async function viewersNow(env: Env, sessionIds: string[]): Promise<Map<string, number>> {
  const counts = await Promise.all(sessionIds.map(async (id) => [id, await liveStub(env, id).viewerCount()] as const));
  return new Map(counts);
}
