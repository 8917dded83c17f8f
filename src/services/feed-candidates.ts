/**
 * Feed candidates, gathered in ONE D1 batch: trending posts, products and videos, sessions live now, and,
 * for a personalised feed, followed people's posts, products, videos and upcoming shows plus products in
 * the user's interest categories. The user's preferences come in the same batch (interests, consent).
 */
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { follows, liveSessions, posts, products, users, videos } from '../db/schema';

const DAY_MS = 24 * 3600 * 1000;

export const candidateLimits = { posts: 60, followedPosts: 100, products: 60, videos: 20, live: 20 } as const;

export async function gatherCandidates(db: Db, viewerId: string | null, now = Date.now()) {
  const me = viewerId ?? '';
  const followed = db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, me));
  const interests = sql`(select value from json_each((select preferences from users where id = ${me}), '$.interests'))`;
  const [
    followedRows,
    trendingPosts,
    trendingProducts,
    trendingVideos,
    live,
    user,
    followedPosts,
    followedProducts,
    followedVideos,
    interestProducts,
    upcoming,
  ] = await db.batch([
    db.select({ id: follows.followeeId }).from(follows).where(eq(follows.followerId, me)).limit(5000),
    db
      .select()
      .from(posts)
      .where(isNull(posts.hiddenAt))
      .orderBy(desc(posts.trending), desc(posts.id))
      .limit(candidateLimits.posts),
    db.select().from(products).orderBy(desc(products.trendingScore), desc(products.id)).limit(candidateLimits.products),
    db
      .select()
      .from(videos)
      .where(isNull(videos.hiddenAt))
      .orderBy(desc(videos.trending), desc(videos.id))
      .limit(candidateLimits.videos),
    db
      .select()
      .from(liveSessions)
      .where(eq(liveSessions.status, 'live'))
      .orderBy(desc(liveSessions.startedAt))
      .limit(candidateLimits.live),
    db.select({ preferences: users.preferences }).from(users).where(eq(users.id, me)),
    db
      .select()
      .from(posts)
      .where(and(inArray(posts.authorId, followed), isNull(posts.hiddenAt), gt(posts.createdAt, now - 14 * DAY_MS)))
      .orderBy(desc(posts.createdAt))
      .limit(candidateLimits.followedPosts),
    db
      .select()
      .from(products)
      .where(and(inArray(products.creatorId, followed), gt(products.createdAt, now - 30 * DAY_MS)))
      .orderBy(desc(products.createdAt))
      .limit(candidateLimits.products),
    db
      .select()
      .from(videos)
      .where(and(inArray(videos.creatorId, followed), isNull(videos.hiddenAt)))
      .orderBy(desc(videos.createdAt))
      .limit(candidateLimits.videos),
    db
      .select()
      .from(products)
      .where(sql`${products.categoryId} in ${interests}`)
      .orderBy(desc(products.trendingScore), desc(products.id))
      .limit(candidateLimits.products),
    db
      .select()
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
  ]);
  return {
    trending: { posts: trendingPosts, products: trendingProducts, videos: trendingVideos, live },
    preferences: user[0]?.preferences,
    followedIds: new Set(followedRows.map((r) => r.id)),
    personal: { posts: followedPosts, products: followedProducts, videos: followedVideos, interestProducts, upcoming },
  };
}

export type Candidates = Awaited<ReturnType<typeof gatherCandidates>>;
