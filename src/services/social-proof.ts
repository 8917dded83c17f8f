/**
 * Social proof, counted from real events only: purchases in the last hour (the purchase read model),
 * viewers now (the live sessions' objects count their sockets), likes and ratings (`product_stats`), and
 * how many people the viewer follows bought it. Small numbers are reported as they are.
 *
 * One D1 batch for any number of products, plus one RPC per live session showing them.
 */
import type { z } from '@hono/zod-openapi';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { follows, liveSessionProducts, liveSessions, productStats, purchases } from '../db/schema';
import type { SocialProof } from '../schemas/discovery';
import { viewersNow } from './live-now';

export type Proof = z.infer<typeof SocialProof>;

const HOUR_MS = 3600 * 1000;

export function ratingOf(ratingSum: number, reviewCount: number): number | null {
  return reviewCount > 0 ? Math.round((ratingSum / reviewCount) * 10) / 10 : null;
}

/** Proof for each product; `followedBuyers` only when `viewerId` is given (null otherwise). */
export async function productProofs(
  env: Env,
  db: Db,
  productIds: string[],
  viewerId: string | null,
  now = Date.now(),
): Promise<Map<string, Proof>> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return new Map();
  const [stats, recent, live, followed] = await db.batch([
    db.select().from(productStats).where(inArray(productStats.productId, ids)),
    db
      .select({ productId: purchases.productId, n: sql<number>`count(*)` })
      .from(purchases)
      .where(and(inArray(purchases.productId, ids), gt(purchases.paidAt, now - HOUR_MS)))
      .groupBy(purchases.productId),
    db
      .select({ productId: liveSessionProducts.productId, sessionId: liveSessions.id })
      .from(liveSessionProducts)
      .innerJoin(liveSessions, eq(liveSessions.id, liveSessionProducts.sessionId))
      .where(and(inArray(liveSessionProducts.productId, ids), eq(liveSessions.status, 'live'))),
    db
      .select({ productId: purchases.productId, n: sql<number>`count(distinct ${purchases.userId})` })
      .from(purchases)
      .innerJoin(follows, eq(follows.followeeId, purchases.userId))
      .where(and(eq(follows.followerId, viewerId ?? ''), inArray(purchases.productId, ids)))
      .groupBy(purchases.productId),
  ]);
  const viewers = await viewersNow(env, [...new Set(live.map((l) => l.sessionId))]);
  const asOf = new Date(now).toISOString();
  return new Map(
    ids.map((id) => {
      const s = stats.find((row) => row.productId === id);
      return [
        id,
        {
          purchasesLastHour: recent.find((r) => r.productId === id)?.n ?? 0,
          viewersNow: live.filter((l) => l.productId === id).reduce((n, l) => n + (viewers.get(l.sessionId) ?? 0), 0),
          likes: s?.likes ?? 0,
          rating: ratingOf(s?.ratingSum ?? 0, s?.reviewCount ?? 0),
          reviewCount: s?.reviewCount ?? 0,
          followedBuyers: viewerId ? (followed.find((f) => f.productId === id)?.n ?? 0) : null,
          asOf,
        },
      ];
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
