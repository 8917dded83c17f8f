/**
 * Ranked feeds kept in isolate memory for FEED_RANKING_TTL_SECONDS (default 15): a refresh within that
 * window reuses the ranking (and its KV snapshot) instead of re-gathering candidates, so a feed read costs
 * one hydration. Items are still hydrated fresh each time (hidden content disappears, counts are current);
 * only *which* items, in what order, can lag by the TTL. A viewer's own follow or unfollow drops their entry.
 * Snapshots are also remembered here, so the next page is usually served without a KV read.
 */
import type { Ranked } from './feed-ranking';

export interface RankingEntry {
  snapshotId: string;
  viewer: string | null;
  personalized: boolean;
  items: Ranked[];
  expiresAt: number;
}

const MAX_ENTRIES = 2000;
const rankings = new Map<string, RankingEntry>();
const snapshots = new Map<string, RankingEntry>();

function remember<V>(map: Map<string, V>, key: string, value: V) {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

export function rankingTtlMs(env: Env): number {
  const seconds = Number(env.FEED_RANKING_TTL_SECONDS ?? 15);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

export function cachedRanking(key: string, now: number): RankingEntry | undefined {
  const hit = rankings.get(key);
  return hit && hit.expiresAt > now ? hit : undefined;
}

export function rememberRanking(key: string, entry: RankingEntry, ttlMs: number) {
  if (ttlMs > 0) remember(rankings, key, entry);
  remember(snapshots, entry.snapshotId, entry);
}

export function rememberedSnapshot(id: string): RankingEntry | undefined {
  return snapshots.get(id);
}

/** Drops a viewer's cached rankings (after they follow or unfollow someone). */
export function forgetRankings(viewerId: string) {
  for (const key of rankings.keys()) if (key.startsWith(`${viewerId}|`)) rankings.delete(key);
}
