/**
 * The purchase read model: what social proof, verified reviews, co-purchases, segments and share
 * attribution are computed from. Kept from `order.paid` (rows written) and cancellation/refund (rows
 * removed) domain events, so every figure reflects standing paid orders only.
 */
import { and, eq, notExists, sql } from 'drizzle-orm';
import { insertChunks } from '../db/bounded';
import type { Db } from '../db/client';
import { products, purchases, shareAttributions } from '../db/schema';
import { batchAll } from '../lib/batch';
import { attributionOf } from './share-attribution';
import { bumpTrending, trendingWeights } from './trending';

export interface PaidOrder {
  orderId: string;
  userId: string | null;
  currency: string;
  shareCode: string | null;
  paidAt: number;
  items: { productId: string; quantity: number; amount: number }[];
}

/**
 * Records a paid order once and credits its share (share-attribution.ts), in one batch: a failure leaves
 * nothing behind, so the redelivered event does all of it. Each product's trending bump runs before its
 * purchase row is written and only while that row is missing, so a redelivery after success changes nothing.
 */
export async function recordPaidOrder(db: Db, order: PaidOrder): Promise<void> {
  // Several lines of one product (different variants) become one row per product.
  const byProduct = new Map<string, { quantity: number; amount: number }>();
  for (const item of order.items) {
    const line = byProduct.get(item.productId) ?? { quantity: 0, amount: 0 };
    byProduct.set(item.productId, { quantity: line.quantity + item.quantity, amount: line.amount + item.amount });
  }
  const rows = [...byProduct].map(([productId, line]) => ({
    orderId: order.orderId,
    productId,
    userId: order.userId,
    quantity: line.quantity,
    amount: line.amount,
    currency: order.currency,
    paidAt: order.paidAt,
  }));
  const attribution = await attributionOf(db, { ...order, lines: rows });
  const recorded = (productId: string) =>
    db
      .select({ one: sql`1` })
      .from(purchases)
      .where(and(eq(purchases.orderId, order.orderId), eq(purchases.productId, productId)));
  await batchAll(db, [
    ...rows.map((row) =>
      db
        .update(products)
        .set({
          trendingScore: bumpTrending(products.trendingScore, trendingWeights.purchase * row.quantity, order.paidAt),
        })
        .where(and(eq(products.id, row.productId), notExists(recorded(row.productId)))),
    ),
    ...(attribution ? [db.insert(shareAttributions).values(attribution).onConflictDoNothing()] : []),
    ...insertChunks(purchases, rows).map((chunk) => db.insert(purchases).values(chunk).onConflictDoNothing()),
  ]);
}

/** A cancelled or refunded order stops counting anywhere. */
export async function removeOrder(db: Db, orderId: string): Promise<void> {
  await db.batch([
    db.delete(purchases).where(eq(purchases.orderId, orderId)),
    db.delete(shareAttributions).where(eq(shareAttributions.orderId, orderId)),
  ]);
}
