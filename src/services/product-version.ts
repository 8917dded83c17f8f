/**
 * If-Match on PATCH and DELETE /v1/products/{id}: the card's ETag is `"<version>.<digest>"` and a write names
 * the versions it was made on. The check is part of the statements that write (D1 has no interactive
 * transactions; a batch is atomic), so of two edits sent with one tag exactly one lands.
 *
 * Only the owner's PATCH moves `products.version`. Stock, sales, social proof and a live show's prices
 * (write-through and flash sales) change the card but not what the owner edits, and they move all the time:
 * if they moved the version, a busy product's tag would be stale before its owner could send an edit. They
 * still move the digest, so If-None-Match never hides them.
 */
import { and, eq, exists, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products, variants } from '../db/schema';
import { ApiError } from '../lib/errors';
import type { IfMatch } from '../lib/http-cache';

/** The condition on a `products` row that it stands at a version If-Match names (none for `*` or no header). */
export function versionIs(ifMatch: IfMatch | undefined): SQL | undefined {
  return ifMatch === undefined || ifMatch === '*' ? undefined : inArray(products.version, ifMatch);
}

/**
 * The same condition for statements on other tables (the variants): the product still exists at such a
 * version. Every statement of a write carries it and the version moves in the last one, so they all see
 * the version as it was before the write.
 */
export function productStillAt(db: Db, productId: string, ifMatch: IfMatch | undefined): SQL | undefined {
  if (ifMatch === undefined) return undefined;
  const row = db
    .select({ one: sql`1` })
    .from(products)
    .where(and(eq(products.id, productId), versionIs(ifMatch)));
  return exists(row);
}

type NewVariant = typeof variants.$inferInsert & { sku: string | null; stockReserved: number; position: number };

/** Inserts a variant, only while `productStillAt` holds (an INSERT … SELECT, so no row when it does not). */
export function insertVariantIf(db: Db, row: NewVariant, ifMatch: IfMatch | undefined) {
  if (ifMatch === undefined) return db.insert(variants).values(row);
  // Fields in the table's column order (drizzle checks it); `options` is JSON text, as drizzle stores it.
  const values = db
    .select({
      id: sql`${row.id}`.as('id'),
      productId: products.id,
      sku: sql`${row.sku}`.as('sku'),
      options: sql`${JSON.stringify(row.options)}`.as('options'),
      price: sql`${row.price}`.as('price'),
      stockOnHand: sql`${row.stockOnHand}`.as('stock_on_hand'),
      stockReserved: sql`${row.stockReserved}`.as('stock_reserved'),
      position: sql`${row.position}`.as('position'),
    })
    .from(products)
    .where(and(eq(products.id, row.productId), versionIs(ifMatch)));
  return db.insert(variants).select(values);
}

/** Whether a product at `version` meets the If-Match (no header: always). */
export function versionMatches(ifMatch: IfMatch | undefined, version: number): boolean {
  return ifMatch === undefined || ifMatch === '*' || ifMatch.includes(version);
}

export function staleProduct(productId: string): ApiError {
  return new ApiError(
    'precondition_failed',
    `The product changed since the version your If-Match names (edited from another device, or the tag is not one this API issued): GET /v1/products/${productId} again, apply your change to it, and send it with the new ETag`,
  );
}
