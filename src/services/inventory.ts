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
 *
 * `guard` (optional) is an extra SQL condition, e.g. "the order row in this batch really changed state"
 * (see src/services/order-transitions.ts); a statement whose guard is false changes nothing, so a
 * transition lost to a concurrent one cannot release or commit the same units twice.
 */
import { and, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { d1ErrorMatches } from '../db/errors';
import { products, variants } from '../db/schema';

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

/** Keeps the listing columns (`in_stock`, `min_price`) in step with a product's variants. */
export function refreshProductStatement(db: Db, productId: string) {
  return db
    .update(products)
    .set({
      inStock: sql`exists (select 1 from variants v where v.product_id = ${productId} and v.stock_on_hand > v.stock_reserved)`,
      minPrice: sql`coalesce((select min(v.price) from variants v where v.product_id = ${productId}), ${products.minPrice})`,
      updatedAt: Date.now(),
    })
    .where(sql`${products.id} = ${productId}`);
}

/** True when a D1 error is the stock CHECK constraint refusing an oversell. */
export function isStockShortage(error: unknown): boolean {
  return d1ErrorMatches(error, /variants_stock_never_negative|CHECK constraint failed/i);
}
