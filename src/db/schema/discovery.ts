/**
 * Discovery: the purchase read model kept from `order.paid` events (social proof, verified reviews,
 * co-purchases, segments, attribution), shares and their clicks, shoppable videos and their viewer
 * events, and operator-defined segments.
 */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';

/**
 * One row per product per paid order. Written when an order is paid, removed if it is cancelled or
 * refunded, so every figure derived from it counts real, standing purchases only. `userId` becomes null
 * when the buyer erases their account (the purchase still counts, anonymously).
 */
export const purchases = sqliteTable(
  'purchases',
  {
    orderId: text('order_id').notNull(),
    productId: text('product_id').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    quantity: integer('quantity').notNull(),
    /** Line total in minor units of `currency`. */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    paidAt: integer('paid_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.productId] }),
    index('purchases_product_paid_idx').on(t.productId, t.paidAt),
    index('purchases_user_product_idx').on(t.userId, t.productId),
  ],
);

export const shareTargets = ['product', 'post', 'video', 'live'] as const;
export type ShareTarget = (typeof shareTargets)[number];

export const shares = sqliteTable(
  'shares',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull(),
    sharerId: text('sharer_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    targetType: text('target_type', { enum: shareTargets }).notNull(),
    targetId: text('target_id').notNull(),
    /** The creator who owns the shared thing; attributed orders are visible to them too. */
    creatorId: text('creator_id').notNull(),
    channel: text('channel').notNull(),
    clicks: integer('clicks').notNull().default(0),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('shares_code_unique').on(t.code),
    index('shares_sharer_idx').on(t.sharerId, t.id),
    index('shares_creator_idx').on(t.creatorId, t.id),
  ],
);

/** Paid orders that carried a share code. Removed with the purchase if the order is cancelled/refunded. */
export const shareAttributions = sqliteTable(
  'share_attributions',
  {
    orderId: text('order_id').primaryKey(),
    shareId: text('share_id')
      .notNull()
      .references(() => shares.id, { onDelete: 'cascade' }),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    paidAt: integer('paid_at').notNull(),
  },
  (t) => [index('share_attributions_share_idx').on(t.shareId)],
);

export const videos = sqliteTable(
  'videos',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    url: text('url').notNull(),
    viewCount: integer('view_count').notNull().default(0),
    trending: real('trending').notNull().default(0),
    hiddenAt: integer('hidden_at'),
    /** Hidden by an admin: only an admin may show it again (the owner may undo only their own hiding). */
    hiddenByAdmin: integer('hidden_by_admin', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('videos_creator_idx').on(t.creatorId, t.createdAt), index('videos_trending_idx').on(t.trending)],
);

export const videoProductTags = sqliteTable(
  'video_product_tags',
  {
    videoId: text('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.position] }), index('video_product_tags_product_idx').on(t.productId)],
);

export const videoEventTypes = ['view', 'progress', 'product_tap'] as const;

/** Raw viewer events, kept for later analytics. */
export const videoEvents = sqliteTable(
  'video_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    videoId: text('video_id')
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    type: text('type', { enum: videoEventTypes }).notNull(),
    positionMs: integer('position_ms'),
    productId: text('product_id'),
    device: text('device'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('video_events_video_idx').on(t.videoId, t.createdAt)],
);

export type SegmentRule =
  | { kind: 'new'; withinDays: number }
  | { kind: 'repeat_buyer'; minOrders: number }
  | { kind: 'big_spender'; minSpend: { amount: number; currency: string } }
  | { kind: 'lapsed'; inactiveDays: number };

export const segments = sqliteTable(
  'segments',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** All rules must hold (AND). */
    rules: text('rules', { mode: 'json' }).$type<SegmentRule[]>().notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('segments_key_unique').on(t.key)],
);

export type ShareRow = typeof shares.$inferSelect;
export type VideoRow = typeof videos.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;
