/**
 * Trending: a time-decayed score of purchases, likes, comments and views, kept so that it can be sorted by
 * an index without recomputing decay on read.
 *
 * Each event of weight w at time t adds w·2^((t−T0)/H) to a sum; ordering by that sum equals ordering by
 * the decayed score at any "now", because every item decays by the same factor. The sum is stored as its
 * log2 (L), so it never overflows: adding e = log2(w) + (t−T0)/H gives
 * L' = max(L, e) + log2(1 + 2^−|L−e|), one atomic SQL update (SQLite math functions, available on D1).
 * The decayed weight now is 2^(L − (now−T0)/H); an item with no events (L = 0) is effectively 0.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

/** 2026-01-01T00:00:00Z */
export const TRENDING_EPOCH_MS = Date.UTC(2026, 0, 1);
/** Half-life: an event counts half as much after 6 hours. */
export const TRENDING_HALF_LIFE_MS = 6 * 3600 * 1000;

export const trendingWeights = {
  purchase: 5,
  like: 2,
  comment: 1,
  view: 0.5,
  productTap: 1,
} as const;

function exponent(at: number): number {
  return (at - TRENDING_EPOCH_MS) / TRENDING_HALF_LIFE_MS;
}

/** The SQL value to assign to a trending column to add an event of weight `weight` at `at`. */
export function bumpTrending(column: AnySQLiteColumn, weight: number, at = Date.now()): SQL {
  const e = Math.log2(weight) + exponent(at);
  return sql`max(${column}, ${e}) + log2(1 + pow(2, -abs(${column} - ${e})))`;
}

/** The decayed weight now of a stored log-space score (0 for an item that never had an event). */
export function trendingNow(stored: number, now = Date.now()): number {
  if (stored === 0) return 0;
  return 2 ** (stored - exponent(now));
}
