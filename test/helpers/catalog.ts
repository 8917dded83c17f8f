/**
 * Test fixtures for products, written straight to D1 so tests of other capabilities do not depend on
 * the catalog's HTTP surface.
 */
import { env } from 'cloudflare:test';
import { createDb } from '../../src/db/client';
import { categories, products, variants } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';

export interface ProductFixture {
  creatorId: string;
  title?: string;
  categoryId?: string;
  currency?: string;
  variants?: { price: number; stock: number; options?: Record<string, string>; sku?: string }[];
}

export async function insertProduct(input: ProductFixture) {
  const db = createDb(env.DB);
  const now = Date.now();
  const id = newId('product', now);
  const vs = (input.variants ?? [{ price: 1999, stock: 10 }]).map((v, position) => ({
    id: newId('variant', now),
    productId: id,
    sku: v.sku ?? null,
    options: v.options ?? {},
    price: v.price,
    stockOnHand: v.stock,
    stockReserved: 0,
    position,
  }));
  if (input.categoryId) {
    await db.insert(categories).values({ id: input.categoryId, name: input.categoryId }).onConflictDoNothing();
  }
  await db.batch([
    db.insert(products).values({
      id,
      creatorId: input.creatorId,
      title: input.title ?? 'Test product',
      description: '',
      categoryId: input.categoryId ?? null,
      tags: [],
      media: [],
      currency: input.currency ?? 'USD',
      minPrice: Math.min(...vs.map((v) => v.price)),
      inStock: vs.some((v) => v.stockOnHand > 0),
      createdAt: now,
      updatedAt: now,
    }),
    db.insert(variants).values(vs),
  ]);
  return { id, variantIds: vs.map((v) => v.id) };
}
