/**
 * Host actions on products during a show: price, units on hand, pinning, flash sales. Price and stock are
 * written through to D1 `variants` (so product cards and orders agree with the show), then the object
 * re-reads D1 and publishes what changed.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { liveSessionProducts, variants } from '../../src/db/schema';
import { isStockShortage, refreshProductStatement } from '../../src/services/inventory';
import type { SessionCore, VariantDbRow } from './core';
import { LiveError } from './errors';

export interface ProductUpdate {
  productId: string;
  variantId?: string;
  price?: { amount: number; currency: string };
  stock?: number;
  pinned?: boolean;
}

function checkCurrency(core: SessionCore, currency: string) {
  const expected = core.current().currency;
  if (currency !== expected) throw new LiveError('validation_failed', `price.currency must be ${expected}`);
}

function targetVariants(core: SessionCore, productId: string, variantId?: string) {
  if (!core.store.product(productId)) throw new LiveError('not_found', 'This session does not show that product');
  const all = core.store.variants(productId);
  if (!variantId) return all;
  const one = all.filter((v) => v.id === variantId);
  if (one.length === 0) throw new LiveError('not_found', 'Variant not found for this product');
  return one;
}

export async function updateProduct(core: SessionCore, input: ProductUpdate) {
  const session = core.current();
  if (session.status === 'ended') throw new LiveError('conflict', 'The session has ended');
  const targets = targetVariants(core, input.productId, input.variantId);
  if (input.stock !== undefined && targets.length > 1) {
    throw new LiveError('validation_failed', 'variantId is required to set stock of a product with several variants');
  }
  if (input.price) checkCurrency(core, input.price.currency);
  const db = core.db;
  const writes: BatchItem<'sqlite'>[] = [];
  for (const v of targets) {
    if (input.price) writes.push(db.update(variants).set({ price: input.price.amount }).where(eq(variants.id, v.id)));
    if (input.stock !== undefined) {
      writes.push(db.update(variants).set({ stockOnHand: input.stock }).where(eq(variants.id, v.id)));
    }
  }
  if (input.pinned !== undefined) {
    writes.push(
      db
        .update(liveSessionProducts)
        .set({ pinned: input.pinned })
        .where(and(eq(liveSessionProducts.sessionId, session.id), eq(liveSessionProducts.productId, input.productId))),
    );
  }
  if (input.price || input.stock !== undefined) writes.push(refreshProductStatement(db, input.productId));
  const catalogChange = input.price !== undefined || input.stock !== undefined;
  // The variants are read back in the same batch: what viewers see is what was written, without a round trip.
  if (catalogChange) writes.push(core.variantsQuery(input.productId));
  let written: unknown[];
  try {
    written = await core.batch(writes);
  } catch (error) {
    if (isStockShortage(error)) {
      throw new LiveError('conflict', 'Stock on hand cannot go below the units held or reserved by orders');
    }
    throw error;
  }
  // A new price from the host replaces a running flash sale; nothing is restored when it would have ended.
  if (input.price && core.store.flashSale(input.productId)) {
    const sale = core.store.flashSale(input.productId)!;
    core.store.run('delete from flash_sales where product_id = ?', input.productId);
    announceSale(core, input.productId, 'ended', sale.price, sale.ends_at);
  }
  const product = core.store.product(input.productId)!;
  if (input.pinned !== undefined && (product.pinned === 1) !== input.pinned) {
    core.store.run('update products set pinned = ? where product_id = ?', input.pinned ? 1 : 0, input.productId);
    core.publish({ type: 'pin', productId: input.productId, pinned: input.pinned });
  }
  if (catalogChange) await core.refreshStock([input.productId], { rows: written.at(-1) as VariantDbRow[] });
  await core.scheduleAlarm();
  return { seq: core.current().seq, creatorId: product.creator_id };
}

function announceSale(core: SessionCore, productId: string, state: 'started' | 'ended', price: number, endsAt: number) {
  core.publish({
    type: 'flash_sale',
    productId,
    state,
    price: { amount: price, currency: core.current().currency },
    endsAt: new Date(endsAt).toISOString(),
  });
}

export interface FlashSaleInput {
  productId: string;
  price: { amount: number; currency: string };
  endsAt: number;
}

/** Sets every variant of the product to the sale price in D1 until `endsAt`, when the alarm restores it. */
export async function startFlashSale(core: SessionCore, input: FlashSaleInput) {
  if (core.current().status !== 'live') throw new LiveError('conflict', 'Flash sales run while the session is live');
  const targets = targetVariants(core, input.productId);
  checkCurrency(core, input.price.currency);
  if (input.endsAt <= Date.now()) throw new LiveError('validation_failed', 'endsAt must be in the future');
  if (core.store.flashSale(input.productId)) {
    throw new LiveError('conflict', 'A flash sale is already running for this product');
  }
  const db = core.db;
  await db.batch([
    db.update(variants).set({ price: input.price.amount }).where(eq(variants.productId, input.productId)),
    refreshProductStatement(db, input.productId),
  ]);
  const previous = Object.fromEntries(targets.map((v) => [v.id, v.price]));
  core.store.run(
    'insert into flash_sales (product_id, price, ends_at, previous) values (?, ?, ?, ?)',
    input.productId,
    input.price.amount,
    input.endsAt,
    JSON.stringify(previous),
  );
  announceSale(core, input.productId, 'started', input.price.amount, input.endsAt);
  await core.refreshStock([input.productId]);
  await core.scheduleAlarm();
  const product = core.store.product(input.productId)!;
  return { seq: core.current().seq, creatorId: product.creator_id };
}

/**
 * Ends a flash sale: restores each variant's previous price in D1, unless someone changed the price
 * since (then that price stands).
 */
export async function endFlashSale(core: SessionCore, productId: string) {
  const sale = core.store.flashSale(productId);
  if (!sale) return;
  const previous = JSON.parse(sale.previous) as Record<string, number>;
  const db = core.db;
  await core.batch([
    ...Object.entries(previous).map(([variantId, price]) =>
      db
        .update(variants)
        .set({ price })
        .where(and(eq(variants.id, variantId), sql`${variants.price} = ${sale.price}`)),
    ),
    refreshProductStatement(db, productId),
  ]);
  core.store.run('delete from flash_sales where product_id = ?', productId);
  announceSale(core, productId, 'ended', sale.price, sale.ends_at);
  await core.refreshStock([productId]);
}
