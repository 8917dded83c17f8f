/**
 * Keeping the object's copy of the catalog in step with D1: loading a session (its products and variants)
 * and re-reading price and stock after a change, publishing a `price` or `stock` event for every variant
 * whose state differs from what viewers last saw (held/sold come from this object's holds and sales). A shown product
 * with no variants left in D1 was deleted from the catalog and leaves the show (removeProduct).
 */

import { inArray } from 'drizzle-orm';
import { inList } from '../../src/db/bounded';
import { liveSessionProducts, liveSessions, products, variants } from '../../src/db/schema';
import type { SessionCore, VariantDbRow } from './core';
import { LiveError } from './errors';
import { applyD1Holds, d1HoldsQuery } from './holds-from-d1';
import { announceSale } from './host';
import { applyShowOrders, showOrdersQuery } from './sales';

export interface RefreshOptions {
  /** false while loading: the snapshot carries the state, there is nothing to announce. */
  publish?: boolean;
  /** The variants as read in the batch that wrote them (saves a round trip), or as they are about to be. */
  rows?: VariantState[];
}

/** What the object keeps of a D1 variant. */
export type VariantState = Pick<
  VariantDbRow,
  'id' | 'productId' | 'options' | 'position' | 'price' | 'stockOnHand' | 'stockReserved'
>;

export async function loadFromD1(core: SessionCore, sessionId: string) {
  const db = core.db;
  const [row] = await db
    .select()
    .from(liveSessions)
    .where(inArray(liveSessions.id, [sessionId]));
  if (!row) throw new LiveError('not_found', 'Live session not found');
  const shown = await db
    .select()
    .from(liveSessionProducts)
    .where(inArray(liveSessionProducts.sessionId, [sessionId]));
  const ids = shown.map((p) => p.productId);
  const productRows = ids.length ? await db.select().from(products).where(inList(products.id, ids)) : [];
  // After a storage loss D1 still has the show's holds and orders: held and sold carry on from them.
  const [variantRows, holdRows, orderLines] = await db.batch([
    db.select().from(variants).where(inList(variants.productId, ids)),
    d1HoldsQuery(db, sessionId),
    showOrdersQuery(db, sessionId),
  ]);
  // Everything below is synchronous, so no other call sees a half-loaded session.
  if (core.store.session()) return; // another call loaded it while we awaited D1
  core.store.ensureSchema();
  // A fresh epoch: whatever history an earlier incarnation had is not available to this one.
  core.store.run(
    `insert into session (id, creator_id, title, status, currency, scheduled_at, started_at, ended_at, epoch, seq,
     summary) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
    row.id,
    row.creatorId,
    row.title,
    row.status,
    productRows[0]?.currency ?? 'USD',
    row.scheduledAt,
    row.startedAt,
    row.endedAt,
    Date.now(),
    row.summary ? JSON.stringify(row.summary) : null,
  );
  for (const p of shown) {
    const product = productRows.find((r) => r.id === p.productId);
    if (!product) continue;
    core.store.run(
      'insert into products (product_id, title, creator_id, position, pinned) values (?, ?, ?, ?, ?)',
      p.productId,
      product.title,
      product.creatorId,
      p.position,
      p.pinned ? 1 : 0,
    );
  }
  applyD1Holds(core, holdRows);
  applyShowOrders(core, orderLines);
  await refreshStock(core, ids, { publish: false, rows: variantRows });
  // Taken-in holds expire by alarm, as does a scheduled start.
  await core.scheduleAlarm();
}

export async function refreshStock(
  core: SessionCore,
  productIds: string[],
  { publish = true, rows: given }: RefreshOptions = {},
) {
  const shown = productIds.filter((id) => core.store.product(id));
  if (shown.length === 0) return;
  // `ended` closes the show's history: afterwards (a hold ordered late, an order cancelled) the object keeps
  // its copy and the stored summary current, but publishes nothing; its viewers are gone.
  const publishing = publish && core.current().status !== 'ended';
  const rows = given ?? (await core.db.select().from(variants).where(inList(variants.productId, shown)));
  for (const row of rows) {
    const before = core.store.variant(row.id);
    const totals = core.store.variantTotals(row.id);
    core.store.run(
      `insert into variants (id, product_id, options, position, price, on_hand, reserved, held, sold)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set price = excluded.price,
       on_hand = excluded.on_hand, reserved = excluded.reserved, held = excluded.held, sold = excluded.sold`,
      row.id,
      row.productId,
      JSON.stringify(row.options),
      row.position,
      row.price,
      row.stockOnHand,
      row.stockReserved,
      totals.held,
      totals.sold,
    );
    if (!publishing || !before) continue;
    if (before.price !== row.price) {
      core.changed.price.add(row.productId);
      const price = { amount: row.price, currency: core.current().currency };
      core.publish({ type: 'price', productId: row.productId, variantId: row.id, price });
    }
    const available = row.stockOnHand - row.stockReserved;
    const changed =
      before.on_hand - before.reserved !== available || before.held !== totals.held || before.sold !== totals.sold;
    if (before.on_hand !== row.stockOnHand || before.reserved !== row.stockReserved) {
      core.changed.stock.add(row.productId);
    }
    if (changed) {
      core.publish({ type: 'stock', productId: row.productId, variantId: row.id, available, ...totals });
    }
  }
  for (const id of shown) if (!rows.some((row) => row.productId === id)) removeProduct(core, id, publishing);
}

/**
 * The product was deleted from the catalog: it leaves the show. Viewers are told with the events the protocol
 * already has for "can no longer be bought" — a `stock` event with `available: 0` per variant (held and sold
 * stay this show's figures), `pin` false if it was pinned, `flash_sale` ended if one ran — and the snapshot
 * no longer lists it, so holds and host actions on it answer not_found. Its holds stay: they are accounting.
 */
function removeProduct(core: SessionCore, productId: string, publish: boolean) {
  if (publish) {
    for (const v of core.store.variants(productId)) {
      const totals = core.store.variantTotals(v.id);
      core.publish({ type: 'stock', productId, variantId: v.id, available: 0, ...totals });
    }
    if (core.store.product(productId)?.pinned) core.publish({ type: 'pin', productId, pinned: false });
    const sale = core.store.flashSale(productId);
    if (sale) announceSale(core, productId, 'ended', sale.price, sale.ends_at);
  }
  core.store.run('delete from flash_sales where product_id = ?', productId);
  core.store.run('delete from variants where product_id = ?', productId);
  core.store.run('delete from products where product_id = ?', productId);
}
