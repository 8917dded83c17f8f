/**
 * `product_stats`: the slow-moving social aggregates of a product (likes of visible posts tagging it,
 * visible reviews' rating sum and count), recomputed from their sources in the same batch as the change
 * that moves them, so they never drift under concurrency and hidden content never counts.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { productStats } from '../db/schema';

/** One upsert per product that recomputes its aggregates; put them in the batch of the change. */
export function recomputeProductStats(db: Db, productIds: string[], now = Date.now()) {
  return productIds.map((productId) =>
    db
      .insert(productStats)
      .values({
        productId,
        likes: sql`coalesce((select sum(po.like_count) from post_products pp join posts po on po.id = pp.post_id
          where pp.product_id = ${productId} and po.hidden_at is null), 0)`,
        ratingSum: sql`coalesce((select sum(r.rating) from reviews r
          where r.product_id = ${productId} and r.hidden_at is null), 0)`,
        reviewCount: sql`(select count(*) from reviews r where r.product_id = ${productId} and r.hidden_at is null)`,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: productStats.productId,
        set: {
          likes: sql`excluded.likes`,
          ratingSum: sql`excluded.rating_sum`,
          reviewCount: sql`excluded.review_count`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );
}
