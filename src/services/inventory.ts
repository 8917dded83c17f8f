/**
 * Inventory: the one path through which stock changes, whoever sells (catalog order, cart checkout,
 * live-session hold, order from a hold, cancellation, expiry, refund).
 *
 * Units live in D1 on `variants`: `stock_on_hand` (physical) and `stock_reserved` (held by live claims or
 * unpaid orders). Available = on hand − reserved. Every change is a single conditional UPDATE, and the
 * table's CHECK constraint (0 ≤ reserved ≤ on hand) makes an overselling write fail. Callers put these
 * statements in one `db.batch()` with the rows they belong to (the order, the hold…), so either all of
 * it happens or none of it does: D1 batches are atomic, and D1 has no interactive transactions.
 *
 *   reserve  : reserved += q            (hold taken, order placed)
 *   release  : reserved −= q            (hold expired/released, unpaid order cancelled or expired)
 *   commit   : on_hand −= q, reserved −= q   (order paid: the reservation becomes a sale)
 *   restock  : on_hand += q             (refund of a fulfilled/paid order returns units, host sets stock)
 *   withdraw : on_hand = reserved       (the creator's account was erased: nothing left to sell; what orders
 *                                        and holds reserved stays theirs until they are paid or let go)
 *
 * `guard` (optional) is an extra SQL condition, e.g. "the order row in this batch really changed state"
 * (see src/services/order-transitions.ts); a statement whose guard is false changes nothing, so a
 * transition lost to a concurrent one cannot release or commit the same units twice.
 */
import { and, eq, exists, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { d1ErrorMatches } from '../db/errors';
import { products, users, variants } from '../db/schema';
import { notErased } from './privacy/account';

export interface StockLine {
  variantId: string;
  quantity: number;
}

/** Statements that reserve units; run them in a batch and the batch fails if any line is short. */
export function reserveStatements(db: Db, lines: StockLine[], guard?: SQL) {
  return lines.map((line) =>
    db
      .update(variants)
      .set({ stockReserved: sql`${variants.stockReserved} + ${line.quantity}` })
      .where(and(sql`${variants.id} = ${line.variantId}`, guard)),
  );
}

export function releaseStatements(db: Db, lines: StockLine[], guard?: SQL) {
  return lines.map((line) =>
    db
      .update(variants)
      .set({ stockReserved: sql`${variants.stockReserved} - ${line.quantity}` })
      .where(and(sql`${variants.id} = ${line.variantId}`, guard)),
  );
}

export function commitStatements(db: Db, lines: StockLine[], guard?: SQL) {
  return lines.map((line) =>
    db
      .update(variants)
      .set({
        stockOnHand: sql`${variants.stockOnHand} - ${line.quantity}`,
        stockReserved: sql`${variants.stockReserved} - ${line.quantity}`,
      })
      .where(and(sql`${variants.id} = ${line.variantId}`, guard)),
  );
}

export function restockStatements(db: Db, lines: StockLine[], guard?: SQL) {
  return lines.map((line) =>
    db
      .update(variants)
      .set({ stockOnHand: sql`${variants.stockOnHand} + ${line.quantity}` })
      .where(and(sql`${variants.id} = ${line.variantId}`, guard)),
  );
}

/**
 * Every product of an erased creator, withdrawn from sale: no units left to sell, `in_stock` false. Returns the
 * variants' product ids (for the `stock.changed` event). Safe to repeat.
 */
export function withdrawCreatorStatements(db: Db, creatorId: string) {
  const theirs = db.select({ id: products.id }).from(products).where(eq(products.creatorId, creatorId));
  return [
    db
      .update(variants)
      .set({ stockOnHand: sql`${variants.stockReserved}` })
      .where(inArray(variants.productId, theirs))
      .returning({ productId: variants.productId }),
    db.update(products).set({ inStock: false, updatedAt: Date.now() }).where(eq(products.creatorId, creatorId)),
  ] as const;
}

/**
 * Keeps the listing columns (`in_stock`, `min_price`) in step with a product's variants. A product of an erased
 * creator stays out of stock when units reserved before the erasure come back (orders refuse it: order-lines.ts).
 * `guard`: an owner's edit's If-Match (product-version.ts).
 */
export function refreshProductStatement(db: Db, productId: string, guard?: SQL) {
  const creatorActive = db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, products.creatorId), notErased()));
  return db
    .update(products)
    .set({
      inStock: sql`exists (select 1 from variants v where v.product_id = ${productId} and v.stock_on_hand > v.stock_reserved) and ${exists(creatorActive)}`,
      minPrice: sql`coalesce((select min(v.price) from variants v where v.product_id = ${productId}), ${products.minPrice})`,
      updatedAt: Date.now(),
    })
    .where(and(sql`${products.id} = ${productId}`, guard));
}

/** True when a D1 error is the stock CHECK constraint refusing an oversell. */
export function isStockShortage(error: unknown): boolean {
  return d1ErrorMatches(error, /variants_stock_never_negative|CHECK constraint failed/i);
}
