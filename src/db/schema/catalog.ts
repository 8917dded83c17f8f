import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';

export const categories = sqliteTable('categories', {
  /** A readable slug, e.g. `sneakers`. */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
});

/**
 * Products. `minPrice` and `inStock` are kept in step with the variants on every write, so
 * listings filter and sort on indexed columns without joining variants.
 */
export const products = sqliteTable(
  'products',
  {
    id: text('id').primaryKey(),
    creatorId: text('creator_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    categoryId: text('category_id').references(() => categories.id),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    media: text('media', { mode: 'json' }).$type<{ url: string; type: 'image' | 'video' }[]>().notNull(),
    currency: text('currency').notNull(),
    minPrice: integer('min_price').notNull(),
    inStock: integer('in_stock', { mode: 'boolean' }).notNull(),
    /** Units sold, all time. */
    salesCount: integer('sales_count').notNull().default(0),
    /** Time-decayed score of recent purchases, likes and views. */
    trendingScore: real('trending_score').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * The version of what the owner edits, named by the card's ETag and checked against If-Match. Only the
     * owner's PATCH moves it (src/services/products.ts), never stock, sales, social proof or a live show.
     */
    version: integer('version').notNull().default(1),
    /**
     * The full-text index's rowid for this product, set by a trigger on insert (migrations/0005_catalog_fts.sql).
     * A plain rowid would do, but SQLite may renumber rowids of tables without an INTEGER PRIMARY KEY on
     * VACUUM, which would silently detach products from their search entries; a stored column cannot drift.
     */
    searchRowid: integer('search_rowid'),
  },
  // Every sort key has an index alone and behind each equality filter (category, creator), so each documented
  // filter + sort combination is an index range walk that stops after `limit` rows (test/services/product-search-plans.test.ts).
  (t) => [
    index('products_newest_idx').on(t.createdAt, t.id),
    index('products_price_idx').on(t.minPrice, t.id),
    index('products_popular_idx').on(t.salesCount, t.id),
    index('products_trending_idx').on(t.trendingScore, t.id),
    index('products_category_newest_idx').on(t.categoryId, t.createdAt, t.id),
    index('products_category_price_idx').on(t.categoryId, t.minPrice, t.id),
    index('products_category_popular_idx').on(t.categoryId, t.salesCount, t.id),
    index('products_category_trending_idx').on(t.categoryId, t.trendingScore, t.id),
    index('products_creator_newest_idx').on(t.creatorId, t.createdAt, t.id),
    index('products_creator_price_idx').on(t.creatorId, t.minPrice, t.id),
    index('products_creator_popular_idx').on(t.creatorId, t.salesCount, t.id),
    index('products_creator_trending_idx').on(t.creatorId, t.trendingScore, t.id),
    uniqueIndex('products_search_rowid_unique').on(t.searchRowid),
  ],
);

/**
 * Variants carry price and inventory. `stockOnHand` is the physical count; `stockReserved` is units held
 * by live-session claims or unpaid orders. What can be bought now is on hand less reserved.
 * The CHECK constraint is the last line against overselling: any write that would reserve more than is
 * on hand fails, and with it the whole D1 batch it belongs to (see src/services/inventory.ts).
 */
export const variants = sqliteTable(
  'variants',
  {
    id: text('id').primaryKey(),
    productId: text('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku'),
    options: text('options', { mode: 'json' }).$type<Record<string, string>>().notNull(),
    price: integer('price').notNull(),
    stockOnHand: integer('stock_on_hand').notNull(),
    stockReserved: integer('stock_reserved').notNull().default(0),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    index('variants_product_idx').on(t.productId, t.position),
    check('variants_stock_never_negative', sql`${t.stockReserved} >= 0 AND ${t.stockReserved} <= ${t.stockOnHand}`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
export type VariantRow = typeof variants.$inferSelect;
