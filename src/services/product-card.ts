/**
 * The product card: what `GET /v1/products/{id}` shows. Built in ONE place so capabilities that add to the
 * card (e.g. social proof) extend this function, and the cache in `product-card-cache.ts` stays the only
 * copy. Anything that changes what a card shows must emit a domain event the cache subscribes to.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { products, users, variants } from '../db/schema';
import { money } from '../lib/money';
import { toIso } from '../schemas/common';
import type { ProductCard } from '../schemas/products';
import { notErased } from './privacy/account';
import { productProofs } from './social-proof';

/** A card and the product version it shows: the version is not in the body, its ETag names it. */
export interface VersionedCard {
  card: ProductCard;
  version: number;
}

/** Reads a product, its variants and its creator in one D1 round trip; null when there is no such product. */
export async function buildProductCard(env: Env, db: Db, productId: string): Promise<VersionedCard | null> {
  // Social proof is read in parallel (its own D1 batch, and the live sessions' viewer counts), so a card
  // build costs no extra sequential round trip; cached cards carry it with its `asOf`.
  const proofs = productProofs(env, db, [productId], null, Date.now(), { fresh: true });
  const [productRows, variantRows] = await db.batch([
    db
      .select({ product: products, creatorName: users.displayName, onSale: sql<number>`${notErased()}` })
      .from(products)
      .innerJoin(users, eq(users.id, products.creatorId))
      .where(eq(products.id, productId)),
    db.select().from(variants).where(eq(variants.productId, productId)).orderBy(asc(variants.position)),
  ]);
  const row = productRows[0];
  const socialProof = (await proofs).get(productId);
  if (!row || !socialProof) return null;
  const p = row.product;
  const card = {
    id: p.id,
    title: p.title,
    description: p.description,
    category: p.categoryId,
    tags: p.tags,
    media: p.media,
    price: money(p.minPrice, p.currency),
    inStock: p.inStock,
    variants: variantRows.map((v) => ({
      id: v.id,
      sku: v.sku,
      options: v.options,
      price: money(v.price, p.currency),
      // An erased creator's products are not on sale, even when units reserved before the erasure came back.
      stock: row.onSale === 1 ? v.stockOnHand - v.stockReserved : 0,
    })),
    creator: { id: p.creatorId, displayName: row.creatorName },
    socialProof,
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  };
  return { card, version: p.version };
}
