/**
 * Social records: follows (both directions), posts, likes, comments, reviews, reports. Erasure deletes what
 * the user wrote or did and recomputes every count it moved (post likes/comments, product stats), in one
 * D1 batch per kind, the same way the social services keep them exact, then emits `product.stats_changed`
 * so cached product cards drop the erased reviews and likes at once.
 */
import { eq, or, sql } from 'drizzle-orm';
import { inList } from '../../db/bounded';
import { createDb } from '../../db/client';
import { comments, follows, postLikes, posts, products as productsTable, reports, reviews } from '../../db/schema';
import { emitDomainEvent } from '../domain-events';
import type { PrivacyArea } from '../privacy';
import { recomputeProductStats } from '../product-stats';

export const socialArea: PrivacyArea = {
  name: 'social',
  async export(env, userId) {
    const db = createDb(env.DB);
    const [following, followers, myPosts, likes, myComments, myReviews, myReports] = await db.batch([
      db.select().from(follows).where(eq(follows.followerId, userId)),
      db.select().from(follows).where(eq(follows.followeeId, userId)),
      db.select().from(posts).where(eq(posts.authorId, userId)),
      db.select().from(postLikes).where(eq(postLikes.userId, userId)),
      db.select().from(comments).where(eq(comments.authorId, userId)),
      db.select().from(reviews).where(eq(reviews.authorId, userId)),
      db.select().from(reports).where(eq(reports.reporterId, userId)),
    ]);
    return {
      following: following.map((f) => ({ userId: f.followeeId, createdAt: f.createdAt })),
      followers: followers.map((f) => ({ userId: f.followerId, createdAt: f.createdAt })),
      posts: myPosts,
      likes,
      comments: myComments,
      reviews: myReviews,
      reports: myReports,
    };
  },
  async erase(env, userId, events) {
    const db = createDb(env.DB);
    // What the erasure will touch, to recount it afterwards.
    const [likedPosts, commentedPosts, reviewed, ownPosts] = await db.batch([
      db.select({ id: postLikes.postId }).from(postLikes).where(eq(postLikes.userId, userId)),
      db.selectDistinct({ id: comments.postId }).from(comments).where(eq(comments.authorId, userId)),
      db.select({ productId: reviews.productId }).from(reviews).where(eq(reviews.authorId, userId)),
      db.select({ productIds: posts.productIds }).from(posts).where(eq(posts.authorId, userId)),
    ]);
    const touchedPosts = [...new Set([...likedPosts, ...commentedPosts].map((p) => p.id))];
    const tagged = touchedPosts.length
      ? await db.select({ productIds: posts.productIds }).from(posts).where(inList(posts.id, touchedPosts))
      : [];
    const mentioned = [
      ...new Set([...reviewed.map((r) => r.productId), ...[...ownPosts, ...tagged].flatMap((p) => p.productIds)]),
    ];
    // Stats rows reference products, so only products that still exist are recomputed.
    const products = mentioned.length
      ? (await db.select({ id: productsTable.id }).from(productsTable).where(inList(productsTable.id, mentioned))).map(
          (p) => p.id,
        )
      : [];
    // The deletes and the recounts in one batch: all-or-nothing, so a retry after a failure finds the likes,
    // comments and reviews still there and recounts them (a recount left for later would be lost with them).
    const [f, l, c, r, rp, p] = await db.batch([
      db
        .delete(follows)
        .where(or(eq(follows.followerId, userId), eq(follows.followeeId, userId)))
        .returning(),
      db.delete(postLikes).where(eq(postLikes.userId, userId)).returning(),
      db.delete(comments).where(eq(comments.authorId, userId)).returning({ id: comments.id }),
      db.delete(reviews).where(eq(reviews.authorId, userId)).returning({ id: reviews.id }),
      db.delete(reports).where(eq(reports.reporterId, userId)).returning({ id: reports.id }),
      // Likes and comments on the user's own posts go with them (foreign keys cascade).
      db.delete(posts).where(eq(posts.authorId, userId)).returning({ id: posts.id }),
      db
        .update(posts)
        .set({
          likeCount: sql`(select count(*) from post_likes where post_id = ${posts.id})`,
          commentCount: sql`(select count(*) from comments where post_id = ${posts.id} and hidden_at is null)`,
        })
        .where(inList(posts.id, touchedPosts)),
      ...recomputeProductStats(db, products),
    ]);
    // Cached cards bake in these stats: refresh them now, as a review or a moderation decision does.
    if (products.length > 0) await emitDomainEvent({ type: 'product.stats_changed', productIds: products }, events);
    return {
      follows: f.length,
      likes: l.length,
      comments: c.length,
      reviews: r.length,
      reports: rp.length,
      posts: p.length,
    };
  },
};
