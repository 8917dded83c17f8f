import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';

export const orderStatuses = ['pending_payment', 'paid', 'fulfilled', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/**
 * Why an order was cancelled: by its buyer (or an admin), unpaid past its payment window, its buyer's account
 * erased, or a payment that succeeded after the creator of one of its products erased theirs (then refunded).
 */
export const cancelReasons = ['cancelled_by_buyer', 'expired', 'account_erased', 'seller_erased'] as const;
export type OrderCancelReason = (typeof cancelReasons)[number];

/**
 * Orders. Money is integer minor units in one currency per order. `transitionToken` is written by every
 * state change so the stock statements in the same D1 batch can run only if that change happened
 * (see src/services/order-transitions.ts): a lost race never releases or commits stock twice.
 * `userId` becomes null when the buyer erases their account; the order stays for accounting.
 */
export const orders = sqliteTable(
  'orders',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    status: text('status', { enum: orderStatuses }).notNull(),
    currency: text('currency').notNull(),
    totalAmount: integer('total_amount').notNull(),
    liveSessionId: text('live_session_id'),
    shareCode: text('share_code'),
    holdId: text('hold_id'),
    cancelReason: text('cancel_reason', { enum: cancelReasons }),
    transitionToken: text('transition_token'),
    /**
     * The buyer's Idempotency-Key and the placing request's fingerprint, written in the order's own batch: the
     * order still answers for its key when the key's `idempotency_keys` row is lost after the commit
     * (src/services/order-recovery.ts). Null for orders placed without a key (the cron completing a hold).
     */
    idempotencyKey: text('idempotency_key'),
    idempotencyFingerprint: text('idempotency_fingerprint'),
    /** When an unpaid order expires and its units go back on sale. */
    expiresAt: integer('expires_at').notNull(),
    paidAt: integer('paid_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('orders_user_newest_idx').on(t.userId, t.createdAt, t.id),
    index('orders_status_expiry_idx').on(t.status, t.expiresAt),
    /** The cron's look for recently paid orders the purchase read model missed (purchases.ts). */
    index('orders_paid_idx').on(t.paidAt),
    /** A show's orders, read when it ends (durable-objects/live/sales.ts reconcileSales). */
    index('orders_live_session_idx').on(t.liveSessionId),
    uniqueIndex('orders_hold_unique').on(t.holdId),
    uniqueIndex('orders_user_idempotency_key_unique').on(t.userId, t.idempotencyKey),
    /** Keyed orders by age: the cron forgets their keys after the keys' retention (order-recovery.ts). */
    index('orders_idempotency_created_idx').on(t.createdAt).where(sql`${t.idempotencyKey} is not null`),
  ],
);

/** Line items snapshot what was bought (title, options, unit price), so orders survive product edits. */
export const orderItems = sqliteTable(
  'order_items',
  {
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    variantId: text('variant_id').notNull(),
    title: text('title').notNull(),
    options: text('options', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    unitPrice: integer('unit_price').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.position] }), index('order_items_product_idx').on(t.productId)],
);

export const paymentStatuses = [
  'requires_payment',
  'processing',
  'failed',
  'succeeded',
  'refunded',
  'canceled',
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** One row per payment attempt (a provider payment intent) for an order. */
export const payments = sqliteTable(
  'payments',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    providerRef: text('provider_ref').notNull(),
    amount: integer('amount').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: paymentStatuses }).notNull(),
    clientSecret: text('client_secret').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('payments_provider_ref_unique').on(t.provider, t.providerRef),
    index('payments_order_idx').on(t.orderId),
    // The maintenance sweep's scan: recent successes (src/services/payments/unneeded.ts).
    index('payments_status_updated_idx').on(t.status, t.updatedAt),
  ],
);

/** Provider webhook events already applied, so a redelivered event changes nothing. */
export const paymentEvents = sqliteTable('payment_events', {
  id: text('id').primaryKey(),
  provider: text('provider').notNull(),
  type: text('type').notNull(),
  orderId: text('order_id'),
  receivedAt: integer('received_at').notNull(),
});

/** A signed-in user's server-side cart: the lines as the user put them; prices are looked up on read. */
export const carts = sqliteTable('carts', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  items: text('items', { mode: 'json' })
    .$type<{ productId: string; variantId?: string; quantity: number }[]>()
    .notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Idempotency keys (Stripe / IETF draft semantics), scoped to the caller. The row is claimed before
 * the handler runs, then holds the first response for replay until `expiresAt`.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    state: text('state', { enum: ['in_progress', 'completed'] }).notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: text('response_headers', { mode: 'json' }).$type<Record<string, string>>(),
    responseBody: text('response_body'),
    lockedAt: integer('locked_at').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.scope, t.key] }), index('idempotency_keys_expiry_idx').on(t.expiresAt)],
);

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
