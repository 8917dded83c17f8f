/**
 * Live sessions on the Worker side: the D1 rows (create, list, look up), who is the host, and calling the
 * session's Durable Object with its typed results turned back into `ApiError`s.
 */
import type { z } from '@hono/zod-openapi';
import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { LiveResult } from '../../durable-objects/live/errors';
import { inList, insertRows } from '../db/bounded';
import type { Db } from '../db/client';
import {
  type LiveSessionRow,
  liveParticipants,
  liveSessionProducts,
  liveSessions,
  products,
  users,
} from '../db/schema';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { LiveSession, LiveSessionCreate } from '../schemas/live-sessions';
import { isErased } from './privacy/account';

/** The session's object. Named by the session id, so every Worker reaches the same one. */
export function liveStub(env: Env, sessionId: string) {
  return env.LIVE_SESSION.get(env.LIVE_SESSION.idFromName(sessionId));
}

const SOCKET_PATH = /^\/v1\/live-sessions\/(liv_[0-9a-z]{26})\/ws$/;

/**
 * A viewer's WebSocket upgrade goes straight to the session's object, before the API middleware: the object
 * checks the ticket and that the session exists, and a connection kept open for hours holds nothing of the
 * HTTP stack. The object stamps its answer itself (a 101 with the request id; a problem with every API
 * answer's headers, see src/lib/upgrade-headers.ts), so it passes through here untouched. Anything else (no upgrade
 * header, a malformed id) falls through to the documented route.
 */
export function liveSocketUpgrade(request: Request, env: Env): Promise<Response> | undefined {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return undefined;
  const match = SOCKET_PATH.exec(new URL(request.url).pathname);
  if (!match) return undefined;
  return liveStub(env, match[1]).fetch(request);
}

/** The value of a successful RPC result, or the matching `ApiError`. */
export function unwrap<T>(result: LiveResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message);
}

export function toLiveSession(row: LiveSessionRow, productIds: string[]): z.infer<typeof LiveSession> {
  return {
    id: row.id,
    creatorId: row.creatorId,
    title: row.title,
    status: row.status,
    scheduledAt: row.scheduledAt === null ? null : toIso(row.scheduledAt),
    startedAt: row.startedAt === null ? null : toIso(row.startedAt),
    endedAt: row.endedAt === null ? null : toIso(row.endedAt),
    productIds,
    summary: row.summary ?? null,
    createdAt: toIso(row.createdAt),
  };
}

export async function createLiveSession(db: Db, auth: AuthContext, input: z.infer<typeof LiveSessionCreate>) {
  const found = await db.select().from(products).where(inList(products.id, input.productIds));
  const errors = input.productIds.flatMap((id, i) => {
    const product = found.find((p) => p.id === id);
    if (!product) return [{ path: `body.productIds.${i}`, message: 'No such product' }];
    if (auth.role !== 'admin' && product.creatorId !== auth.userId) {
      return [{ path: `body.productIds.${i}`, message: 'Not one of your products' }];
    }
    return [];
  });
  if (new Set(found.map((p) => p.currency)).size > 1) {
    errors.push({ path: 'body.productIds', message: 'All products of a session must share a currency' });
  }
  const scheduledAt = input.scheduledAt ? Date.parse(input.scheduledAt) : null;
  if (scheduledAt !== null && scheduledAt <= Date.now()) {
    errors.push({ path: 'body.scheduledAt', message: 'Must be in the future' });
  }
  if (errors.length > 0) {
    throw new ApiError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
  const now = Date.now();
  const row: LiveSessionRow = {
    id: newId('liveSession', now),
    creatorId: auth.userId,
    title: input.title,
    status: 'scheduled',
    scheduledAt,
    startedAt: null,
    endedAt: null,
    summary: null,
    createdAt: now,
    resyncRequestedAt: null,
  };
  await db.batch([
    db.insert(liveSessions).values(row),
    ...insertRows(
      db,
      liveSessionProducts,
      input.productIds.map((productId, position) => ({ sessionId: row.id, productId, position })),
    ),
  ]);
  return row;
}

export async function getLiveSessionRow(db: Db, id: string) {
  const [row] = await db.select().from(liveSessions).where(eq(liveSessions.id, id));
  if (!row) throw new ApiError('not_found', 'Live session not found');
  return row;
}

export async function productIdsOf(db: Db, sessionIds: string[]) {
  const byId = new Map<string, string[]>(sessionIds.map((id) => [id, []]));
  if (sessionIds.length === 0) return byId;
  const rows = await db
    .select()
    .from(liveSessionProducts)
    .where(inList(liveSessionProducts.sessionId, sessionIds))
    .orderBy(liveSessionProducts.position);
  for (const row of rows) byId.get(row.sessionId)?.push(row.productId);
  return byId;
}

/** Newest first; `status` uses the (status, created_at, id) index. */
export async function listLiveSessions(
  db: Db,
  query: { status?: LiveSessionRow['status']; limit: number; cursor?: string },
) {
  const scope = [query.status];
  const after = decodeCursor(query.cursor, 2, scope) as [number, string] | undefined;
  const rows = await db
    .select()
    .from(liveSessions)
    .where(
      and(
        query.status ? eq(liveSessions.status, query.status) : undefined,
        after
          ? or(
              lt(liveSessions.createdAt, after[0]),
              and(eq(liveSessions.createdAt, after[0]), lt(liveSessions.id, after[1])),
            )
          : undefined,
      ),
    )
    .orderBy(desc(liveSessions.createdAt), desc(liveSessions.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.createdAt, r.id], scope);
  const productIds = await productIdsOf(
    db,
    page.data.map((r) => r.id),
  );
  return { data: page.data.map((r) => toLiveSession(r, productIds.get(r.id) ?? [])), nextCursor: page.nextCursor };
}

/** Remembers that a signed-in user took part, so privacy export and erasure find this session. */
export function recordParticipant(db: Db, sessionId: string, userId: string) {
  const now = Date.now();
  // Marked for the cron (privacy/live-resume.ts) when the account was erased meanwhile: a request that passed
  // sign-in before the erasure records its row after the erasure's last batch, and the cron finds only marked rows.
  const erasedNow = db
    .select({ at: sql<number>`${now}` })
    .from(users)
    .where(and(eq(users.id, userId), isErased()));
  return db
    .insert(liveParticipants)
    .values({ sessionId, userId, firstSeenAt: now, erasureLeftAt: sql`(${erasedNow})` })
    .onConflictDoNothing();
}
