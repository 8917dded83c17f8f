/**
 * Creating, changing and deleting products. Each write is one atomic D1 batch that also refreshes the
 * listing columns (`min_price`, `in_stock`), then emits a domain event so caches and live viewers follow.
 */
import { and, eq, gt, notExists, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { insertRows } from '../db/bounded';
import type { Db } from '../db/client';
import { d1ErrorMatches } from '../db/errors';
import { categories, products, variants } from '../db/schema';
import { assertOwner } from '../lib/auth';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import type { IfMatch } from '../lib/http-cache';
import { newId } from '../lib/ids';
import { optionsKey, type ProductCreate, type ProductPatch } from '../schemas/products';
import { type EventContext, emitDomainEvent } from './domain-events';
import { isStockShortage, refreshProductStatement } from './inventory';
import { sessionsShowing } from './live-subscriber';
import { insertVariantIf, productStillAt, staleProduct, versionIs, versionMatches } from './product-version';

function invalid(path: string, message: string): ApiError {
  return new ApiError('validation_failed', `${path}: ${message}`, { errors: [{ path, message }] });
}

async function assertCategory(db: Db, id: string | null | undefined): Promise<void> {
  if (!id) return;
  const found = await db.select({ id: categories.id }).from(categories).where(eq(categories.id, id)).get();
  if (!found) throw invalid('body.category', `unknown category "${id}" (see GET /v1/categories)`);
}

function assertCurrency(currency: string, expected: string, path: string): void {
  if (currency !== expected) throw invalid(path, `must be in the product's currency ${expected}`);
}

/** Creates a product with its variants (or one default variant from the top-level price and stock). */
export async function createProduct(db: Db, creatorId: string, input: ProductCreate, events: EventContext) {
  await assertCategory(db, input.category);
  const currency = input.price.currency;
  const specs = input.variants ?? [{ sku: undefined, options: {}, price: input.price, stock: input.stock ?? 0 }];
  specs.forEach((v, i) => {
    if (v.price) assertCurrency(v.price.currency, currency, `body.variants.${i}.price.currency`);
  });
  const now = Date.now();
  const id = newId('product', now);
  const rows = specs.map((v, position) => ({
    id: newId('variant', now),
    productId: id,
    sku: v.sku ?? null,
    options: v.options,
    price: v.price?.amount ?? input.price.amount,
    stockOnHand: v.stock,
    stockReserved: 0,
    position,
  }));
  await db.batch([
    db.insert(products).values({
      id,
      creatorId,
      title: input.title,
      description: input.description ?? '',
      categoryId: input.category ?? null,
      tags: input.tags ?? [],
      media: input.media ?? [],
      currency,
      minPrice: Math.min(...rows.map((r) => r.price)),
      inStock: rows.some((r) => r.stockOnHand > 0),
      createdAt: now,
      updatedAt: now,
    }),
    ...insertRows(db, variants, rows),
  ]);
  await emitDomainEvent({ type: 'product.created', productId: id, creatorId }, events);
  return id;
}

type VariantPatch = NonNullable<ProductPatch['variants']>[number];

/**
 * After a patch, no two variants may share their options or SKU, as on create: a buyer could not tell them
 * apart. Checked on the resulting set (so swapping two variants' options in one request is fine), and a
 * clash is reported on the patch entry that changed a variant's options or SKU, or added it.
 */
function assertDistinctVariants(
  existing: { id: string; sku: string | null; options: Record<string, string> }[],
  patches: VariantPatch[],
) {
  const result = new Map(existing.map((e) => [e.id, { sku: e.sku, options: e.options, at: -1 }]));
  patches.forEach((v, i) => {
    const before = v.id ? result.get(v.id) : undefined;
    const changes = !before || v.options !== undefined || v.sku !== undefined;
    result.set(v.id ?? `new:${i}`, {
      sku: v.sku !== undefined ? v.sku : (before?.sku ?? null),
      options: v.options ?? before?.options ?? {},
      at: changes ? i : (before?.at ?? -1),
    });
  });
  const seenOptions = new Set<string>();
  const seenSkus = new Set<string>();
  // Untouched variants first (at -1): they are never blamed, even if older data already repeats itself.
  for (const v of [...result.values()].sort((a, b) => a.at - b.at)) {
    const key = optionsKey(v.options);
    if (v.at >= 0 && seenOptions.has(key)) {
      throw invalid(`body.variants.${v.at}.options`, 'another variant has these options');
    }
    if (v.at >= 0 && v.sku && seenSkus.has(v.sku)) {
      throw invalid(`body.variants.${v.at}.sku`, 'another variant has this SKU');
    }
    seenOptions.add(key);
    if (v.sku) seenSkus.add(v.sku);
  }
}

/** Loads a product for a write by its owner (or an admin); anyone else gets a 404. */
async function ownedProduct(db: Db, auth: AuthContext, productId: string) {
  const product = await db
    .select({ creatorId: products.creatorId, currency: products.currency })
    .from(products)
    .where(eq(products.id, productId))
    .get();
  if (!product) throw new ApiError('not_found', 'Product not found');
  assertOwner(auth, product.creatorId, 'Product');
  return product;
}

/** A guarded write that changed nothing: the product is gone since it was read (404), or its version moved. */
async function whyNotWritten(db: Db, productId: string): Promise<ApiError> {
  const still = await db.select({ id: products.id }).from(products).where(eq(products.id, productId)).get();
  return still ? staleProduct(productId) : new ApiError('not_found', 'Product not found');
}

/**
 * Applies an owner's edit in one batch and moves the product's version. With If-Match every statement is
 * guarded by the version it names (product-version.ts): a stale tag writes nothing and is a 412.
 */
export async function updateProduct(
  db: Db,
  auth: AuthContext,
  productId: string,
  patch: ProductPatch,
  events: EventContext,
  ifMatch?: IfMatch,
) {
  const product = await ownedProduct(db, auth, productId);
  if (patch.category !== undefined) await assertCategory(db, patch.category);
  const existing = await db
    .select({ id: variants.id, sku: variants.sku, options: variants.options })
    .from(variants)
    .where(eq(variants.productId, productId))
    .all();
  const variantPatches = [...(patch.variants ?? [])];
  if (patch.price !== undefined || patch.stock !== undefined) {
    if (existing.length !== 1) {
      const field = patch.price !== undefined ? 'body.price' : 'body.stock';
      throw invalid(field, 'this product has several variants; change them in variants[]');
    }
    variantPatches.push({ id: existing[0].id, price: patch.price, stock: patch.stock });
  }
  const statements: BatchItem<'sqlite'>[] = [];
  const stillAt = productStillAt(db, productId, ifMatch);
  const fields = {
    ...(patch.title !== undefined && { title: patch.title }),
    ...(patch.description !== undefined && { description: patch.description }),
    ...(patch.category !== undefined && { categoryId: patch.category }),
    ...(patch.tags !== undefined && { tags: patch.tags }),
    ...(patch.media !== undefined && { media: patch.media }),
  };
  let position = existing.length;
  variantPatches.forEach((v, i) => {
    if (v.price) assertCurrency(v.price.currency, product.currency, `body.variants.${i}.price.currency`);
    if (v.id) {
      if (!existing.some((e) => e.id === v.id)) throw invalid(`body.variants.${i}.id`, 'not a variant of this product');
      const set = {
        ...(v.sku !== undefined && { sku: v.sku }),
        ...(v.options !== undefined && { options: v.options }),
        ...(v.price !== undefined && { price: v.price.amount }),
        ...(v.stock !== undefined && { stockOnHand: v.stock }),
      };
      if (Object.keys(set).length > 0)
        statements.push(
          db
            .update(variants)
            .set(set)
            .where(and(sql`${variants.id} = ${v.id}`, stillAt)),
        );
      return;
    }
    if (!v.options || !v.price || v.stock === undefined) {
      throw invalid(`body.variants.${i}`, 'a new variant needs options, price and stock');
    }
    const row = {
      id: newId('variant'),
      productId,
      sku: v.sku ?? null,
      options: v.options,
      price: v.price.amount,
      stockOnHand: v.stock,
      stockReserved: 0,
      position: position++,
    };
    statements.push(insertVariantIf(db, row, ifMatch));
  });
  assertDistinctVariants(existing, variantPatches);
  statements.push(refreshProductStatement(db, productId, versionIs(ifMatch)));
  // Last: every statement before it saw the version as it was.
  const bump = db
    .update(products)
    .set({ ...fields, version: sql`${products.version} + 1` })
    .where(and(eq(products.id, productId), versionIs(ifMatch)))
    .returning({ version: products.version });
  statements.push(bump);
  let results: unknown[];
  try {
    results = await db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  } catch (error) {
    if (isStockShortage(error)) {
      throw new ApiError(
        'stock_reserved',
        'stock on hand cannot go below the units already reserved by orders or holds',
      );
    }
    throw error;
  }
  if ((results.at(-1) as { version: number }[]).length === 0) throw await whyNotWritten(db, productId);
  await emitDomainEvent({ type: 'product.updated', productId, creatorId: product.creatorId }, events);
  if (variantPatches.some((v) => v.stock !== undefined)) {
    await emitDomainEvent({ type: 'stock.changed', productIds: [productId], reason: 'product.patch' }, events);
  }
}

/**
 * Deletes a product unless some of its units are held in a live show or reserved by unpaid orders (`409`).
 * Those are promises to buyers, and the reservation is counted on the variant rows the delete would take
 * with it: holds could then no longer be ordered, and unpaid orders could be paid for units that are no
 * longer accounted anywhere. Releasing them instead would break those promises behind the buyers' backs. The
 * creator deletes once they are paid, cancelled or expired (paid and shipped orders keep their own copy of
 * the line, so they never block a delete). The check is part of the DELETE itself, so a hold or order
 * racing it either lands first (→ 409) or finds the product gone (→ 404 there).
 */
export async function deleteProduct(
  db: Db,
  auth: AuthContext,
  productId: string,
  events: EventContext,
  ifMatch?: IfMatch,
) {
  const product = await ownedProduct(db, auth, productId);
  const unreserved = notExists(
    db
      .select({ id: variants.id })
      .from(variants)
      .where(and(eq(variants.productId, productId), gt(variants.stockReserved, 0))),
  );
  let shows: { sessionId: string }[];
  let before: { version: number }[];
  let deleted: { id: string }[];
  try {
    // The sessions showing it are read in the same batch: their link rows are deleted with the product. So
    // is its version: when nothing is deleted, it says why.
    [shows, before, deleted] = await db.batch([
      sessionsShowing(db, [productId]),
      db.select({ version: products.version }).from(products).where(eq(products.id, productId)),
      db
        .delete(products)
        .where(and(eq(products.id, productId), unreserved, versionIs(ifMatch)))
        .returning({ id: products.id }),
    ]);
  } catch (error) {
    if (d1ErrorMatches(error, /FOREIGN KEY/i)) {
      throw new ApiError(
        'invalid_state',
        'This product is referenced by orders or other records and cannot be deleted',
      );
    }
    throw error;
  }
  if (deleted.length === 0) {
    if (!before[0]) throw new ApiError('not_found', 'Product not found');
    if (!versionMatches(ifMatch, before[0].version)) throw staleProduct(productId);
    throw new ApiError(
      'stock_reserved',
      'Units of this product are held in a live show or reserved by unpaid orders; it can be deleted once those are paid, cancelled or expired',
    );
  }
  const liveSessionIds = shows.map((s) => s.sessionId);
  await emitDomainEvent({ type: 'product.deleted', productId, creatorId: product.creatorId, liveSessionIds }, events);
}
