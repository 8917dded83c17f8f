/**
 * Related products: first those bought in the same paid orders (co-purchases, most shared orders first),
 * then the same category's most-bought products (then trending) to fill the list. One D1 batch.
 */
import type { z } from '@hono/zod-openapi';
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client';
import { products, purchases } from '../db/schema';
import { ApiError } from '../lib/errors';
import type { RelatedItem } from '../schemas/discovery';
import { toProductSummary } from './feed-hydrate';
import { productProofs } from './social-proof';

export interface RelatedRequest {
  productId: string;
  limit: number;
  viewerId: string | null;
  locale: string;
}

export async function relatedProducts(env: Env, db: Db, req: RelatedRequest): Promise<z.infer<typeof RelatedItem>[]> {
  const mine = alias(purchases, 'mine');
  const theirs = alias(purchases, 'theirs');
  const category = sql`(select category_id from ${products} where id = ${req.productId})`;
  const popularity = sql`(select count(*) from ${purchases} where ${purchases.productId} = ${products.id})`;
  const [self, together, sameCategory] = await db.batch([
    db.select({ id: products.id }).from(products).where(eq(products.id, req.productId)),
    db
      .select({ product: products, orders: sql<number>`count(distinct ${theirs.orderId})`.as('orders') })
      .from(mine)
      .innerJoin(theirs, and(eq(theirs.orderId, mine.orderId), ne(theirs.productId, mine.productId)))
      .innerJoin(products, eq(products.id, theirs.productId))
      .where(eq(mine.productId, req.productId))
      .groupBy(theirs.productId)
      .orderBy(desc(sql`orders`), products.id)
      .limit(req.limit),
    db
      .select()
      .from(products)
      .where(and(sql`${products.categoryId} = ${category}`, ne(products.id, req.productId)))
      .orderBy(desc(popularity), desc(products.trendingScore), desc(products.id))
      .limit(req.limit),
  ]);
  if (self.length === 0) throw new ApiError('not_found', 'Product not found');
  const picked: { row: (typeof together)[number]['product']; reason: 'bought_together' | 'same_category' }[] =
    together.map((t) => ({ row: t.product, reason: 'bought_together' }));
  for (const row of sameCategory) {
    if (picked.length >= req.limit) break;
    if (!picked.some((p) => p.row.id === row.id)) picked.push({ row, reason: 'same_category' });
  }
  const proofs = await productProofs(
    env,
    db,
    picked.map((p) => p.row.id),
    req.viewerId,
  );
  return picked.map(({ row, reason }) => ({
    product: toProductSummary(row, req.locale),
    reason,
    socialProof: proofs.get(row.id)!,
  }));
}
