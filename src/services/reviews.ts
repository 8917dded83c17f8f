/**
 * Product reviews: one per user per product; `verifiedPurchase` is decided here from the purchase read
 * model (a standing paid order with this product), never by the client.
 */
import type { z } from '@hono/zod-openapi';
import { and, desc, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products, purchases, type ReviewRow, reviews } from '../db/schema';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { Review, ReviewCreate } from '../schemas/social';
import { recomputeProductStats } from './product-stats';

export function toReview(row: ReviewRow): z.infer<typeof Review> {
  return {
    id: row.id,
    productId: row.productId,
    authorId: row.authorId,
    rating: row.rating,
    text: row.text,
    verifiedPurchase: row.verifiedPurchase,
    createdAt: toIso(row.createdAt),
  };
}

async function findProduct(db: Db, productId: string) {
  const product = await db.query.products.findFirst({
    columns: { id: true, creatorId: true },
    where: eq(products.id, productId),
  });
  if (!product) throw new ApiError('not_found', 'Product not found');
  return product;
}

export async function createReview(db: Db, productId: string, authorId: string, input: z.infer<typeof ReviewCreate>) {
  const product = await findProduct(db, productId);
  if (product.creatorId === authorId) throw new ApiError('unprocessable', 'Creators cannot review their own products');
  const bought = await db.query.purchases.findFirst({
    columns: { orderId: true },
    where: and(eq(purchases.userId, authorId), eq(purchases.productId, productId)),
  });
  const now = Date.now();
  const row: ReviewRow = {
    id: newId('review', now),
    productId,
    authorId,
    rating: input.rating,
    text: input.text ?? null,
    verifiedPurchase: !!bought,
    hiddenAt: null,
    hiddenByAdmin: false,
    createdAt: now,
  };
  const [inserted] = await db.batch([
    db.insert(reviews).values(row).onConflictDoNothing().returning({ id: reviews.id }),
    ...recomputeProductStats(db, [productId], now),
  ]);
  if (inserted.length === 0) throw new ApiError('already_exists', 'You have already reviewed this product');
  return toReview(row);
}

export async function listReviews(db: Db, productId: string, query: { limit: number; cursor?: string }) {
  await findProduct(db, productId);
  const before = decodeCursor(query.cursor, 1, [productId]) as [string] | undefined;
  const rows = await db
    .select()
    .from(reviews)
    .where(
      and(eq(reviews.productId, productId), isNull(reviews.hiddenAt), before ? lt(reviews.id, before[0]) : undefined),
    )
    .orderBy(desc(reviews.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (row) => [row.id], [productId]);
  return { data: page.data.map(toReview), nextCursor: page.nextCursor };
}
