/**
 * The social graph and community content: follows, posts (with product tags), likes, comments, reviews,
 * reports. Content is never deleted by moderation: `hiddenAt` hides it from every read, feed and count.
 */
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { products } from './catalog';
import { users } from './users';

export const follows = sqliteTable(
  'follows',
  {
    followerId: text('follower_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    followeeId: text('followee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.followerId, t.followeeId] }), index('follows_followee_idx').on(t.followeeId)],
);

export type MediaItem = { url: string; type: 'image' | 'video' };

/**
 * Posts. `likeCount` and `commentCount` are recomputed from their tables in the same batch as every
 * change, so concurrent likes never drift. `trending` is a log-space time-decayed score (see trending.ts).
 */
export const posts = sqliteTable(
  'posts',
  {
    id: text('id').primaryKey(),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    media: text('media', { mode: 'json' }).$type<MediaItem[]>().notNull(),
    productIds: text('product_ids', { mode: 'json' }).$type<string[]>().notNull(),
    likeCount: integer('like_count').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    trending: real('trending').notNull().default(0),
    hiddenAt: integer('hidden_at'),
    /** Hidden by an admin: only an admin may show it again (the owner may undo only their own hiding). */
    hiddenByAdmin: integer('hidden_by_admin', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('posts_author_newest_idx').on(t.authorId, t.createdAt), index('posts_trending_idx').on(t.trending)],
);

/** Which products a post tags: product likes are the likes of visible posts tagging it. */
export const postProducts = sqliteTable(
  'post_products',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.productId] }), index('post_products_product_idx').on(t.productId)],
);

export const postLikes = sqliteTable(
  'post_likes',
  {
    postId: text('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId] }), index('post_likes_user_idx').on(t.userId)],
);

export const comments = sqliteTable(
  'comments',
  {
    id: text('id').primaryKey(),
    postId: text('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    hiddenAt: integer('hidden_at'),
    /** Hidden by an admin: only an admin may show it again (the owner may undo only their own hiding). */
    hiddenByAdmin: integer('hidden_by_admin', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('comments_post_idx').on(t.postId, t.id), index('comments_author_idx').on(t.authorId)],
);

export const reviews = sqliteTable(
  'reviews',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    rating: integer('rating').notNull(),
    text: text('text'),
    /** Set by the server: the author had a paid order containing this product when reviewing. */
    verifiedPurchase: integer('verified_purchase', { mode: 'boolean' }).notNull(),
    hiddenAt: integer('hidden_at'),
    /** Hidden by an admin: only an admin may show it again (the owner may undo only their own hiding). */
    hiddenByAdmin: integer('hidden_by_admin', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('reviews_one_per_user').on(t.productId, t.authorId),
    index('reviews_product_idx').on(t.productId, t.id),
    index('reviews_author_idx').on(t.authorId),
    check('reviews_rating_range', sql`${t.rating} between 1 and 5`),
  ],
);

export const reportTargets = ['post', 'comment', 'review', 'video'] as const;
export type ReportTarget = (typeof reportTargets)[number];

export const reports = sqliteTable(
  'reports',
  {
    id: text('id').primaryKey(),
    reporterId: text('reporter_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: text('target_type', { enum: reportTargets }).notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('reports_target_idx').on(t.targetType, t.targetId), index('reports_newest_idx').on(t.id)],
);

/**
 * Per-product social aggregates baked into product cards: likes of visible posts tagging the product,
 * and visible reviews' rating sum and count. Recomputed from their sources on every change.
 */
export const productStats = sqliteTable('product_stats', {
  productId: text('product_id')
    .primaryKey()
    .references(() => products.id, { onDelete: 'cascade' }),
  likes: integer('likes').notNull().default(0),
  ratingSum: integer('rating_sum').notNull().default(0),
  reviewCount: integer('review_count').notNull().default(0),
  updatedAt: integer('updated_at').notNull(),
});

export type PostRow = typeof posts.$inferSelect;
export type CommentRow = typeof comments.$inferSelect;
export type ReviewRow = typeof reviews.$inferSelect;
