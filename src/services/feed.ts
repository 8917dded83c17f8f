/**
 * `GET /v1/feed`. The first page ranks the candidates (feed-ranking.ts) and stores the ranking as a
 * snapshot in KV for 30 minutes; the cursor names the snapshot and an offset, so later pages follow the same
 * order even while likes and purchases move scores (no repeats, no gaps). Items are hydrated when their page
 * is served, so content hidden meanwhile still disappears. Rankings are reused briefly (feed-ranking-cache.ts).
 */
import type { Db } from '../db/client';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { decodeCursor, encodeCursor } from '../lib/pagination';
import { gatherCandidates } from './feed-candidates';
import { hydrateFeed } from './feed-hydrate';
import { type Ranked, rankFeed } from './feed-ranking';
import {
  cachedRanking,
  type RankingEntry,
  rankingTtlMs,
  rememberedSnapshot,
  rememberRanking,
} from './feed-ranking-cache';
import { allowsPersonalization, type RequestContext } from './personalization';

const SNAPSHOT_TTL_SECONDS = 1800;

/** Keys carry the viewer, so a privacy erasure can find and delete a user's snapshots by prefix. */
export const snapshotKeyPrefix = (viewerId: string | null) => `feed:${viewerId ?? 'anon'}:`;
const snapshotKey = (viewerId: string | null, id: string) => `${snapshotKeyPrefix(viewerId)}${id}`;

export interface FeedRequest {
  auth: AuthContext | undefined;
  context: RequestContext;
  limit: number;
  cursor?: string;
}

async function rank(env: Env, db: Db, req: FeedRequest, now: number): Promise<RankingEntry> {
  const viewer = req.auth?.userId ?? null;
  const key = `${viewer ?? '-'}|${req.context.currency ?? ''}|${req.context.device ?? ''}`;
  const hit = cachedRanking(key, now);
  if (hit) return hit;
  const candidates = await gatherCandidates(db, viewer, now);
  const personalized = viewer !== null && allowsPersonalization(candidates.preferences);
  const items = rankFeed({ candidates, personalized, context: req.context, now });
  const ttl = rankingTtlMs(env);
  const entry: RankingEntry = { snapshotId: crypto.randomUUID(), viewer, personalized, items, expiresAt: now + ttl };
  const stored: Omit<RankingEntry, 'expiresAt' | 'snapshotId'> = { viewer, personalized, items };
  await env.FEED_SNAPSHOTS.put(snapshotKey(viewer, entry.snapshotId), JSON.stringify(stored), {
    expirationTtl: SNAPSHOT_TTL_SECONDS,
  });
  rememberRanking(key, entry, ttl);
  return entry;
}

async function snapshotFor(
  env: Env,
  viewer: string | null,
  id: unknown,
): Promise<Omit<RankingEntry, 'expiresAt' | 'snapshotId'> | null> {
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) return null;
  const remembered = rememberedSnapshot(id);
  if (remembered) return remembered;
  const stored = await env.FEED_SNAPSHOTS.get(snapshotKey(viewer, id));
  return stored ? JSON.parse(stored) : null;
}

function pageOf(items: Ranked[], id: string, offset: number, limit: number) {
  const next = offset + limit < items.length ? encodeCursor([id, offset + limit]) : null;
  return { page: items.slice(offset, offset + limit), nextCursor: next };
}

export async function getFeed(env: Env, db: Db, req: FeedRequest) {
  const now = Date.now();
  let ranked: { page: Ranked[]; nextCursor: string | null; personalized: boolean };
  if (req.cursor) {
    const [id, offset] = decodeCursor(req.cursor, 2) ?? [];
    const snapshot = await snapshotFor(env, req.auth?.userId ?? null, id);
    if (!snapshot || snapshot.viewer !== (req.auth?.userId ?? null) || typeof offset !== 'number' || offset < 0) {
      throw new ApiError('bad_request', 'This cursor has expired or is not yours; start again from the first page', {
        errors: [{ path: 'cursor', message: 'unknown or expired feed cursor' }],
      });
    }
    ranked = { ...pageOf(snapshot.items, id as string, offset, req.limit), personalized: snapshot.personalized };
  } else {
    const entry = await rank(env, db, req, now);
    ranked = { ...pageOf(entry.items, entry.snapshotId, 0, req.limit), personalized: entry.personalized };
  }
  const data = await hydrateFeed(env, db, {
    entries: ranked.page,
    viewerId: ranked.personalized ? (req.auth?.userId ?? null) : null,
    likerId: req.auth?.userId ?? null,
    locale: req.context.locale,
    now,
  });
  return { data, nextCursor: ranked.nextCursor, personalized: ranked.personalized };
}
