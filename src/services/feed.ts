/**
 * `GET /v1/feed`. The first page ranks the candidates (feed-ranking.ts) and, when there is more than one
 * page, stores the ranking as a snapshot in KV for 30 minutes; the cursor names the snapshot and an offset,
 * so later pages follow the same order even while likes and purchases move scores (no repeats, no gaps).
 * Items are hydrated when their page is served, so content hidden meanwhile still disappears.
 */
import type { Db } from '../db/client';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { gatherCandidates } from './feed-candidates';
import { hydrateFeed } from './feed-hydrate';
import { type Ranked, rankFeed } from './feed-ranking';
import { allowsPersonalization, type RequestContext } from './personalization';

const SNAPSHOT_TTL_SECONDS = 1800;

/** Keys carry the viewer, so a privacy erasure can find and delete a user's snapshots by prefix. */
export const snapshotKeyPrefix = (viewerId: string | null) => `feed:${viewerId ?? 'anon'}:`;
const snapshotKey = (viewerId: string | null, id: string) => `${snapshotKeyPrefix(viewerId)}${id}`;

interface Snapshot {
  viewer: string | null;
  personalized: boolean;
  items: Ranked[];
}

export interface FeedRequest {
  auth: AuthContext | undefined;
  context: RequestContext;
  limit: number;
  cursor?: string;
}

async function firstPage(env: Env, db: Db, req: FeedRequest, now: number) {
  const viewerId = req.auth?.userId ?? null;
  const candidates = await gatherCandidates(db, viewerId, now);
  const personalized = viewerId !== null && allowsPersonalization(candidates.preferences);
  const items = rankFeed({ candidates, personalized, context: req.context, now });
  const page = items.slice(0, req.limit);
  let nextCursor: string | null = null;
  if (items.length > req.limit) {
    const id = crypto.randomUUID();
    const snapshot: Snapshot = { viewer: viewerId, personalized, items };
    await env.FEED_SNAPSHOTS.put(snapshotKey(viewerId, id), JSON.stringify(snapshot), {
      expirationTtl: SNAPSHOT_TTL_SECONDS,
    });
    nextCursor = encodeCursor([id, req.limit]);
  }
  return { page, nextCursor, personalized };
}

async function laterPage(env: Env, req: FeedRequest, cursor: string) {
  const [id, offset] = decodeCursor(cursor, 2) as [string, number];
  const stored =
    typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)
      ? await env.FEED_SNAPSHOTS.get(snapshotKey(req.auth?.userId ?? null, id))
      : null;
  const snapshot = stored ? (JSON.parse(stored) as Snapshot) : null;
  if (!snapshot || snapshot.viewer !== (req.auth?.userId ?? null) || typeof offset !== 'number' || offset < 0) {
    throw new ApiError('bad_request', 'This cursor has expired or is not yours; start again from the first page', {
      errors: [{ path: 'cursor', message: 'unknown or expired feed cursor' }],
    });
  }
  const page = snapshot.items.slice(offset, offset + req.limit);
  const next = offset + req.limit < snapshot.items.length ? encodeCursor([id, offset + req.limit]) : null;
  return { page, nextCursor: next, personalized: snapshot.personalized };
}

export async function getFeed(env: Env, db: Db, req: FeedRequest) {
  const now = Date.now();
  const ranked = req.cursor ? await laterPage(env, req, req.cursor) : await firstPage(env, db, req, now);
  const data = await hydrateFeed(env, db, {
    entries: ranked.page,
    viewerId: ranked.personalized ? (req.auth?.userId ?? null) : null,
    likerId: req.auth?.userId ?? null,
    locale: req.context.locale,
    now,
  });
  return { data, nextCursor: ranked.nextCursor, personalized: ranked.personalized };
}
