/**
 * Live shopping sessions. The session's Durable Object is the single writer for everything that happens
 * during a show; D1 keeps what the rest of the API needs to find and account for it: the session row
 * (lists, profiles, the stored summary), which products a session shows (so stock changes from other paths
 * reach its viewers) and every hold, written in the same batch as its stock reservation.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { products } from './catalog';
import { users } from './users';

export interface LiveSummary {
  peakViewers: number;
  unitsSold: number;
  /** Integer minor units, in the session's currency. */
  revenue: { amount: number; currency: string };
}

export const liveSessions = sqliteTable(
  'live_sessions',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    status: text('status', { enum: ['scheduled', 'live', 'ended'] }).notNull(),
    scheduledAt: integer('scheduled_at'),
    startedAt: integer('started_at'),
    endedAt: integer('ended_at'),
    summary: text('summary', { mode: 'json' }).$type<LiveSummary>(),
    createdAt: integer('created_at').notNull(),
    /**
     * Set (epoch ms) when a call telling the session's object of a change failed; the maintenance cron has the
     * object catch up with D1 and clears it (src/services/live-resync.ts).
     */
    resyncRequestedAt: integer('resync_requested_at'),
  },
  (t) => [
    index('live_sessions_status_idx').on(t.status, t.createdAt, t.id),
    index('live_sessions_creator_idx').on(t.creatorId, t.createdAt, t.id),
    index('live_sessions_resync_idx').on(t.resyncRequestedAt).where(sql`${t.resyncRequestedAt} is not null`),
  ],
);

/** The products a session shows. Indexed by product so a stock change finds its sessions in one lookup. */
export const liveSessionProducts = sqliteTable(
  'live_session_products',
  {
    sessionId: text('session_id')
      .notNull()
      .references(() => liveSessions.id, { onDelete: 'cascade' }),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    pinned: integer('pinned', { mode: 'boolean' }).notNull().default(false),
    /** Set while this session runs a flash sale of the product (epoch ms of its end). */
    flashSaleEndsAt: integer('flash_sale_ends_at'),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.productId] }),
    index('live_session_products_product_idx').on(t.productId),
    // One flash sale per product at a time, whichever session runs it: a second one would take the first's
    // sale price for the price to restore, and the product would keep a sale price for good.
    uniqueIndex('live_session_products_one_flash_sale').on(t.productId).where(sql`${t.flashSaleEndsAt} is not null`),
  ],
);

/**
 * Holds (claims) taken during a show. Each row is written in the same D1 batch as the units it reserves,
 * and its status changes in the same batch as their release, so D1 can always account for reserved units.
 */
export const holds = sqliteTable(
  'holds',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => liveSessions.id),
    userId: text('user_id').notNull(),
    // No foreign keys to the catalog: a hold is an accounting record that must outlive a deleted product.
    productId: text('product_id').notNull(),
    variantId: text('variant_id').notNull(),
    quantity: integer('quantity').notNull(),
    status: text('status', { enum: ['active', 'released', 'expired', 'converted'] }).notNull(),
    expiresAt: integer('expires_at').notNull(),
    orderId: text('order_id'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('holds_user_idx').on(t.userId, t.createdAt),
    index('holds_session_idx').on(t.sessionId, t.status),
    // The maintenance scan for conversions whose order was never written (src/services/order-from-hold.ts).
    index('holds_status_expires_idx').on(t.status, t.expiresAt),
  ],
);

/**
 * Who took part in a session as a signed-in user (got a socket ticket or a hold), so a privacy export or
 * erasure knows which session objects hold that user's chat messages and holds.
 */
export const liveParticipants = sqliteTable(
  'live_participants',
  {
    sessionId: text('session_id').notNull(),
    userId: text('user_id').notNull(),
    firstSeenAt: integer('first_seen_at').notNull(),
    /**
     * Set (epoch ms) when an erasure left the row because the session's object could not erase the user; the
     * maintenance cron finishes it and deletes the row (src/services/privacy/live-resume.ts).
     */
    erasureLeftAt: integer('erasure_left_at'),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.sessionId] }),
    // The cron's read every minute: only the few rows erasures left, however many accounts were ever erased.
    index('live_participants_erasure_left_idx').on(t.erasureLeftAt).where(sql`${t.erasureLeftAt} is not null`),
  ],
);

export type LiveSessionRow = typeof liveSessions.$inferSelect;
export type HoldRow = typeof holds.$inferSelect;
