/**
 * Feed candidates, gathered in ONE D1 batch: trending posts, products and videos, sessions live now, and,
 * for a signed-in viewer, followed people's posts, products, videos and upcoming shows plus products in
 * their interest categories, with their preferences (interests, consent). Only the columns ranking needs are
 * read; items are hydrated per page (feed-hydrate.ts).
 */
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { follows, liveSessions, posts, products, users, videos } from '../db/schema';

const DAY_MS = 24 * 3600 * 1000;

export const candidateLimits = { posts: 50, followedPosts: 60, products: 40, videos: 15, live: 15 } as const;

const postCols = { id: posts.id, authorId: posts.authorId, trending: posts.trending, createdAt: posts.createdAt };
const productCols = {
  id: products.id,
  creatorId: products.creatorId,
  categoryId: products.categoryId,
  currency: products.currency,
  trendingScore: products.trendingScore,
  createdAt: products.createdAt,
};
const videoCols = {
  id: videos.id,
  creatorId: videos.creatorId,
  trending: videos.trending,
  createdAt: videos.createdAt,
};
const liveCols = {
  id: liveSessions.id,
  creatorId: liveSessions.creatorId,
  status: liveSessions.status,
  startedAt: liveSessions.startedAt,
  scheduledAt: liveSessions.scheduledAt,
};

export type PostCandidate = { id: string; authorId: string; trending: number; createdAt: number };
export type ProductCandidate = {
  id: string;
  creatorId: string;
  categoryId: string | null;
  currency: string;
  trendingScore: number;
  createdAt: number;
};
export type VideoCandidate = { id: string; creatorId: string; trending: number; createdAt: number };
export type LiveCandidate = {
  id: string;
  creatorId: string;
  status: 'scheduled' | 'live' | 'ended';
  startedAt: number | null;
  scheduledAt: number | null;
};

function trendingQueries(db: Db) {
  return [
    db
      .select(postCols)
      .from(posts)
      .where(isNull(posts.hiddenAt))
      .orderBy(desc(posts.trending))
      .limit(candidateLimits.posts),
    db.select(productCols).from(products).orderBy(desc(products.trendingScore)).limit(candidateLimits.products),
    db
      .select(videoCols)
      .from(videos)
      .where(isNull(videos.hiddenAt))
      .orderBy(desc(videos.trending))
      .limit(candidateLimits.videos),
    db.select(liveCols).from(liveSessions).where(eq(liveSessions.status, 'live')).limit(candidateLimits.live),
  ] as const;
}

function personalQueries(db: Db, me: string, now: number) {
  const followed = db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, me));
  const interests = sql`(select value from json_each((select preferences from users where id = ${me}), '$.interests'))`;
  return [
    db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, me)).limit(5000),
    db.select({ preferences: users.preferences }).from(users).where(eq(users.id, me)),
    db
      .select(postCols)
      .from(posts)
      .where(and(inArray(posts.authorId, followed), isNull(posts.hiddenAt), gt(posts.createdAt, now - 14 * DAY_MS)))
      .orderBy(desc(posts.createdAt))
      .limit(candidateLimits.followedPosts),
    db
      .select(productCols)
      .from(products)
      .where(and(inArray(products.creatorId, followed), gt(products.createdAt, now - 30 * DAY_MS)))
      .orderBy(desc(products.createdAt))
      .limit(candidateLimits.products),
    db
      .select(videoCols)
      .from(videos)
      .where(and(inArray(videos.creatorId, followed), isNull(videos.hiddenAt)))
      .orderBy(desc(videos.createdAt))
      .limit(candidateLimits.videos),
    db
      .select(productCols)
      .from(products)
      .where(sql`${products.categoryId} in ${interests}`)
      .orderBy(desc(products.trendingScore))
      .limit(candidateLimits.products),
    db
      .select(liveCols)
      .from(liveSessions)
      .where(
        and(
          eq(liveSessions.status, 'scheduled'),
          inArray(liveSessions.creatorId, followed),
          gt(liveSessions.scheduledAt, now),
        ),
      )
      .orderBy(liveSessions.scheduledAt)
      .limit(candidateLimits.live),
  ] as const;
}

export async function gatherCandidates(db: Db, viewerId: string | null, now = Date.now()) {
  if (viewerId === null) {
    const [p, pr, v, l] = await db.batch(trendingQueries(db));
    return {
      trending: { posts: p, products: pr, videos: v, live: l as LiveCandidate[] },
      preferences: undefined,
      followedIds: new Set<string>(),
      personal: { posts: [], products: [], videos: [], interestProducts: [], upcoming: [] as LiveCandidate[] },
    };
  }
  const [p, pr, v, l, followedRows, user, fPosts, fProducts, fVideos, interestProducts, upcoming] = await db.batch([
    ...trendingQueries(db),
    ...personalQueries(db, viewerId, now),
  ]);
  return {
    trending: { posts: p, products: pr, videos: v, live: l as LiveCandidate[] },
    preferences: user[0]?.preferences,
    followedIds: new Set(followedRows.map((r) => r.id)),
    personal: {
      posts: fPosts,
      products: fProducts,
      videos: fVideos,
      interestProducts,
      upcoming: upcoming as LiveCandidate[],
    },
  };
}

export type Candidates = Awaited<ReturnType<typeof gatherCandidates>>;
