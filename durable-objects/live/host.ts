/**
 * Host actions on products during a show: price, units on hand, pinning, flash sales. Price and stock are
 * written through to D1 `variants` (so product cards and orders agree with the show before the host hears
 * success), and the object publishes what changed.
 *
 * A host's price or stock change is published as soon as the object has logged it, before D1 confirms:
 * viewers should not wait for a round trip to the D1 primary, which on Cloudflare may be far from the show.
 * The object checks first what D1 would refuse as far as it knows (stock below the units reserved); if D1
 * still refuses (an order reserved units in the meantime) or fails, the object re-reads D1 and publishes
 * its state as the next event, and the host gets the error. D1's read-back after the write corrects the
 * object the same way when anything else changed in between.
 */
import { and, eq, gt, gte, lt, ne, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { d1ErrorMatches } from '../../src/db/errors';
import { liveSessionProducts, variants } from '../../src/db/schema';
import { isStockShortage, refreshProductStatement } from '../../src/services/inventory';
import type { SessionCore, VariantDbRow, VariantState } from './core';
import { LiveError } from './errors';
import type { VariantRow } from './store';

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

/** The variants as they will be once D1 has the change, from the object's copy. */
function expectedVariants(targets: VariantRow[], input: ProductUpdate): VariantState[] {
  return targets.map((v) => {
    const stockOnHand = input.stock ?? v.on_hand;
    if (stockOnHand < v.reserved) throw stockBelowReserved();
    return {
      id: v.id,
      productId: v.product_id,
      options: JSON.parse(v.options),
      position: v.position,
      price: input.price?.amount ?? v.price,
      stockOnHand,
      stockReserved: v.reserved,
    };
  });
}

const stockBelowReserved = () =>
  new LiveError('stock_reserved', 'Stock on hand cannot go below the units held or reserved by orders');

/** Whether the update touches D1 `variants` (price or units on hand), not only the pin. */
const changesCatalog = (input: ProductUpdate) => input.price !== undefined || input.stock !== undefined;

/** This session's row for a product in D1 `live_session_products`. */
const shownHere = (core: SessionCore, productId: string) =>
  and(eq(liveSessionProducts.sessionId, core.current().id), eq(liveSessionProducts.productId, productId));

const STALE_SALE_MARK_MS = 60_000;

/** The D1 statement that marks (or, with null, unmarks) this session's flash sale of a product. */
const markFlashSale = (core: SessionCore, productId: string, endsAt: number | null) =>
  core.db.update(liveSessionProducts).set({ flashSaleEndsAt: endsAt }).where(shownHere(core, productId));

/** The D1 statements for a host update, the variants read back last. */
function writesFor(
  core: SessionCore,
  targets: VariantRow[],
  input: ProductUpdate,
  endsSale: boolean,
): BatchItem<'sqlite'>[] {
  const db = core.db;
  const writes: BatchItem<'sqlite'>[] = targets.flatMap((v) =>
    changesCatalog(input)
      ? [db.update(variants).set({ price: input.price?.amount, stockOnHand: input.stock }).where(eq(variants.id, v.id))]
      : [],
  );
  if (input.pinned !== undefined) {
    writes.push(db.update(liveSessionProducts).set({ pinned: input.pinned }).where(shownHere(core, input.productId)));
  }
  if (endsSale) writes.push(markFlashSale(core, input.productId, null));
  if (changesCatalog(input)) writes.push(refreshProductStatement(db, input.productId));
  // Read back in the same batch: D1's state without another round trip (and, for a pin alone too, whether
  // the product is still in the catalog).
  writes.push(core.variantsQuery(input.productId));
  return writes;
}

function setPinned(core: SessionCore, productId: string, pinned: boolean) {
  core.store.run('update products set pinned = ? where product_id = ?', pinned ? 1 : 0, productId);
  core.publish({ type: 'pin', productId, pinned });
}

export async function updateProduct(core: SessionCore, input: ProductUpdate) {
  if (core.current().status === 'ended') throw new LiveError('invalid_state', 'The session has ended');
  const targets = targetVariants(core, input.productId, input.variantId);
  if (input.stock !== undefined && targets.length > 1) {
    throw new LiveError('validation_failed', 'variantId is required to set stock of a product with several variants');
  }
  if (input.price) checkCurrency(core, input.price.currency);
  const catalogChange = changesCatalog(input);
  const expected = catalogChange ? expectedVariants(targets, input) : [];
  const product = core.store.product(input.productId)!;
  const pinChange = input.pinned !== undefined && (product.pinned === 1) !== input.pinned;
  // A host's price takes the variants it sets out of a running flash sale; the sale goes on for the others.
  const sale = input.price ? core.store.flashSale(input.productId) : undefined;
  const stillOnSale = sale ? withoutVariants(sale.previous, targets) : {};
  const endsSale = sale !== undefined && Object.keys(stillOnSale).length === 0;
  // Published before D1 confirms (see the top of this file).
  if (pinChange) setPinned(core, input.productId, input.pinned!);
  if (catalogChange) await core.refreshStock([input.productId], { rows: expected });
  if (pinChange || catalogChange) await core.afterBroadcastFlushed();
  let written: unknown[];
  try {
    written = await core.batch(writesFor(core, targets, input, endsSale));
  } catch (error) {
    // Viewers have seen the change: they get D1's state back (best effort if D1 is failing too).
    if (pinChange) setPinned(core, input.productId, !input.pinned);
    if (catalogChange) await core.refreshStock([input.productId]).catch(() => undefined);
    if (isStockShortage(error)) throw stockBelowReserved();
    throw error;
  }
  if (sale && endsSale) {
    core.store.run('delete from flash_sales where product_id = ?', input.productId);
    announceSale(core, input.productId, 'ended', sale.price, sale.ends_at);
  } else if (sale) {
    core.store.run(
      'update flash_sales set previous = ? where product_id = ?',
      JSON.stringify(stillOnSale),
      input.productId,
    );
  }
  await core.refreshStock([input.productId], { rows: written.at(-1) as VariantDbRow[] });
  // Deleted from the catalog before this object heard of it: the read-back found no variants and took the
  // product off the show (catalog-sync.ts); the host's change went nowhere.
  if (!core.store.product(input.productId)) throw new LiveError('not_found', 'This product is no longer on sale');
  await core.scheduleAlarm();
  return { seq: core.current().seq, creatorId: product.creator_id };
}

/** A sale's prices to restore (variant id → price), less the given variants. */
function withoutVariants(previous: string, variants: VariantRow[]): Record<string, number> {
  const prices = JSON.parse(previous) as Record<string, number>;
  for (const v of variants) delete prices[v.id];
  return prices;
}

/** The longest a flash sale may run. */
const MAX_FLASH_SALE_MS = 24 * 3600_000;

const isFlashSaleElsewhere = (error: unknown) =>
  d1ErrorMatches(error, /UNIQUE constraint failed: live_session_products\.product_id/);

const saleElsewhereError = () =>
  new LiveError('invalid_state', 'This product is on a flash sale in another live session until it ends');

/**
 * Whether another session runs a sale of the product (its D1 mark is not stale). Asked only when the price
 * is not below the current prices: those may be that sale's, and the host must hear that it runs (409), not
 * that their price is too high (400). The mark in the write batch stays the authority.
 */
async function saleElsewhere(core: SessionCore, productId: string) {
  const marks = await core.db
    .select({ sessionId: liveSessionProducts.sessionId })
    .from(liveSessionProducts)
    .where(
      and(
        eq(liveSessionProducts.productId, productId),
        ne(liveSessionProducts.sessionId, core.current().id),
        gte(liveSessionProducts.flashSaleEndsAt, Date.now() - STALE_SALE_MARK_MS),
      ),
    )
    .limit(1);
  return marks.length > 0;
}

/** Publishes a flash sale's start or end. */
export function announceSale(
  core: SessionCore,
  productId: string,
  state: 'started' | 'ended',
  price: number,
  endsAt: number,
) {
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
  if (core.current().status !== 'live')
    throw new LiveError('invalid_state', 'Flash sales run while the session is live');
  targetVariants(core, input.productId);
  checkCurrency(core, input.price.currency);
  if (input.endsAt <= Date.now()) throw new LiveError('validation_failed', 'endsAt must be in the future');
  // A flash sale is short; one ending next year would be a price cut that nobody remembers to end.
  if (input.endsAt > Date.now() + MAX_FLASH_SALE_MS) {
    throw new LiveError('validation_failed', 'endsAt must be within 24 hours');
  }
  // Before the price check: a running sale set the current prices, and the answer is that it runs (409).
  if (core.store.flashSale(input.productId)) {
    throw new LiveError('invalid_state', 'A flash sale is already running for this product');
  }
  // The prices a sale replaces (and restores) are D1's: this object's copy misses a change whose news never
  // reached it. Viewers get whatever the re-read corrects.
  await core.refreshStock([input.productId]);
  const targets = targetVariants(core, input.productId);
  // One sale price replaces every variant's: it must lower each of them, or the "sale" raises someone's price.
  const lowest = Math.min(...targets.map((v) => v.price));
  if (input.price.amount >= lowest) {
    if (await saleElsewhere(core, input.productId)) throw saleElsewhereError();
    throw new LiveError('validation_failed', `price must be below the product's lowest current price (${lowest})`);
  }
  const db = core.db;
  try {
    await db.batch([
      // A mark whose sale ended over a minute ago is stale: its object's alarm clears marks as sales end, so
      // only an object that lost its storage leaves one behind, and it must not block the product for good.
      db
        .update(liveSessionProducts)
        .set({ flashSaleEndsAt: null })
        .where(
          and(
            eq(liveSessionProducts.productId, input.productId),
            lt(liveSessionProducts.flashSaleEndsAt, Date.now() - STALE_SALE_MARK_MS),
          ),
        ),
      // Then: while another session runs a sale of this product, this fails and the prices stay as they are.
      markFlashSale(core, input.productId, input.endsAt),
      // Only prices above the sale's: one changed since the re-read above stays as it is (the end restores
      // only variants still at the sale price).
      db
        .update(variants)
        .set({ price: input.price.amount })
        .where(and(eq(variants.productId, input.productId), gt(variants.price, input.price.amount))),
      refreshProductStatement(db, input.productId),
    ]);
  } catch (error) {
    if (isFlashSaleElsewhere(error)) throw saleElsewhereError();
    throw error;
  }
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
    markFlashSale(core, productId, null),
  ]);
  core.store.run('delete from flash_sales where product_id = ?', productId);
  announceSale(core, productId, 'ended', sale.price, sale.ends_at);
  await core.refreshStock([productId]);
}
