/**
 * Social proof, counted from real events only: purchases in the last hour (the purchase read model),
 * viewers now (the live sessions' objects count their sockets), likes and ratings (`product_stats`), and
 * how many people the viewer follows bought it. Small numbers are reported as they are.
 *
 * One D1 batch for any number of products, plus one RPC per live session showing them.
 */
import type { z } from '@hono/zod-openapi';
import { and, eq, gt, sql } from 'drizzle-orm';
import { inList } from '../db/bounded';
import type { Db } from '../db/client';
import { follows, liveSessionProducts, liveSessions, productStats, purchases } from '../db/schema';
import type { SocialProof } from '../schemas/discovery';
import { viewersNow } from './live-now';

export type Proof = z.infer<typeof SocialProof>;

const HOUR_MS = 3600 * 1000;

export function ratingOf(ratingSum: number, reviewCount: number): number | null {
  return reviewCount > 0 ? Math.round((ratingSum / reviewCount) * 10) / 10 : null;
}

type SharedProof = Omit<Proof, 'followedBuyers'>;

/**
 * Figures shared by every viewer, kept in isolate memory for SOCIAL_PROOF_CACHE_SECONDS (default 10): a hot
 * product's proof is read from D1 at most that often per isolate, and `asOf` says how old it is. Product
 * cards pass `fresh` (they are rebuilt when a review or stock change invalidates them).
 */
const shared = new Map<string, SharedProof & { expiresAt: number }>();
const MAX_SHARED = 20_000;

function proofTtlMs(env: Env): number {
  const seconds = Number(env.SOCIAL_PROOF_CACHE_SECONDS ?? 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

async function readShared(env: Env, db: Db, ids: string[], now: number): Promise<Map<string, SharedProof>> {
  const result = new Map<string, SharedProof>();
  if (ids.length === 0) return result;
  const [stats, recent, live] = await db.batch([
    db.select().from(productStats).where(inList(productStats.productId, ids)),
    db
      .select({ productId: purchases.productId, n: sql<number>`count(*)` })
      .from(purchases)
      .where(and(inList(purchases.productId, ids), gt(purchases.paidAt, now - HOUR_MS)))
      .groupBy(purchases.productId),
    db
      .select({ productId: liveSessionProducts.productId, sessionId: liveSessions.id })
      .from(liveSessionProducts)
      .innerJoin(liveSessions, eq(liveSessions.id, liveSessionProducts.sessionId))
      .where(and(inList(liveSessionProducts.productId, ids), eq(liveSessions.status, 'live'))),
  ]);
  const viewers = await viewersNow(env, [...new Set(live.map((l) => l.sessionId))]);
  const asOf = new Date(now).toISOString();
  const ttl = proofTtlMs(env);
  for (const id of ids) {
    const s = stats.find((row) => row.productId === id);
    const proof: SharedProof = {
      purchasesLastHour: recent.find((r) => r.productId === id)?.n ?? 0,
      viewersNow: live.filter((l) => l.productId === id).reduce((n, l) => n + (viewers.get(l.sessionId) ?? 0), 0),
      likes: s?.likes ?? 0,
      rating: ratingOf(s?.ratingSum ?? 0, s?.reviewCount ?? 0),
      reviewCount: s?.reviewCount ?? 0,
      asOf,
    };
    result.set(id, proof);
    if (ttl > 0) {
      if (shared.size >= MAX_SHARED) shared.delete(shared.keys().next().value as string);
      shared.set(id, { ...proof, expiresAt: now + ttl });
    }
  }
  return result;
}

async function followedBuyers(db: Db, viewerId: string, ids: string[]) {
  return db
    .select({ productId: purchases.productId, n: sql<number>`count(distinct ${purchases.userId})` })
    .from(purchases)
    .innerJoin(follows, eq(follows.followeeId, purchases.userId))
    .where(and(eq(follows.followerId, viewerId), inList(purchases.productId, ids)))
    .groupBy(purchases.productId);
}

/** Proof for each product; `followedBuyers` only when `viewerId` is given (null otherwise). */
export async function productProofs(
  env: Env,
  db: Db,
  productIds: string[],
  viewerId: string | null,
  now = Date.now(),
  options: { fresh?: boolean } = {},
): Promise<Map<string, Proof>> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return new Map();
  const known = new Map<string, SharedProof>();
  for (const id of options.fresh ? [] : ids) {
    const hit = shared.get(id);
    if (hit && hit.expiresAt > now) known.set(id, hit);
  }
  const missing = ids.filter((id) => !known.has(id));
  const [read, followed] = await Promise.all([
    readShared(env, db, missing, now),
    viewerId ? followedBuyers(db, viewerId, ids) : Promise.resolve([]),
  ]);
  return new Map(
    ids.map((id) => {
      const { expiresAt: _drop, ...proof } = { expiresAt: 0, ...(known.get(id) ?? read.get(id)) } as SharedProof & {
        expiresAt: number;
      };
      const buyers = viewerId ? (followed.find((f) => f.productId === id)?.n ?? 0) : null;
      return [id, { ...proof, followedBuyers: buyers }];
    }),
  );
}

/** Proof for things that are not products: only the figures that apply are set. */
export function partialProof(fields: Partial<Omit<Proof, 'asOf'>>, now = Date.now()): Proof {
  return {
    purchasesLastHour: null,
    viewersNow: null,
    likes: null,
    rating: null,
    reviewCount: null,
    followedBuyers: null,
    ...fields,
    asOf: new Date(now).toISOString(),
  };
}
