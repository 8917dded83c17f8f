/**
 * The show's sales: what `sold` on stock events and the summary count. Two kinds of order are the show's:
 * one placed from a hold (counted when the hold converts, see holds.ts) and one that names the show without a
 * hold (a viewer bought a shown product from the catalog while watching), counted here. Either stops counting
 * when its order is cancelled, expires unpaid or is refunded. Only lines of products the show has are its own,
 * and only once the show has started. Both are kept current by domain events; the show checks them against D1's
 * orders (reconcileSales) at the end and when a lost event is suspected, so a lost event is not lost for good.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { orders } from '../../src/db/schema';
import { type ShowSaleLine, showSaleLines } from '../../src/services/orders';
import type { SessionCore } from './core';
import { LiveError } from './errors';

export interface AttributedLine {
  productId: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  currency: string;
}

/**
 * Writes the order's lines of shown products down as sold (nothing for an order placed before the start);
 * returns the products they touch. Idempotent per order: a reversed one stays reversed.
 */
function recordLines(core: SessionCore, input: { orderId: string; placedAt: number; lines: AttributedLine[] }) {
  const session = core.current();
  // By when the order was placed, not when this call arrives: a start may come in between.
  if (session.started_at === null || input.placedAt < session.started_at) return [];
  const lines = input.lines.filter((l) => core.store.product(l.productId) && l.currency === session.currency);
  for (const line of lines) {
    core.store.run(
      `insert into attributed_sales (order_id, variant_id, product_id, quantity, unit_price) values (?, ?, ?, ?, ?)
       on conflict do nothing`,
      input.orderId,
      line.variantId,
      line.productId,
      line.quantity,
      line.unitPrice,
    );
  }
  return lines;
}

/** Counts the order's lines of shown products as sold, and tells viewers. */
export async function attributeSale(
  core: SessionCore,
  input: { orderId: string; placedAt: number; lines: AttributedLine[] },
) {
  const lines = recordLines(core, input);
  await core.refreshStock([...new Set(lines.map((l) => l.productId))]);
  return { counted: lines.reduce((sum, l) => sum + l.quantity, 0) };
}

/**
 * The order was cancelled, expired unpaid or refunded: its units are no longer sold by this show. A hold it
 * came from keeps its order id and is marked `reversed` here (D1 keeps it `converted`; the order's own status
 * says the rest). Idempotent.
 */
export async function reverseSale(core: SessionCore, input: { holdId?: string; orderId: string }) {
  if (input.holdId) {
    const hold = core.store.hold(input.holdId);
    if (!hold || hold.order_id !== input.orderId) throw new LiveError('not_found', 'No hold became that order');
  }
  await core.refreshStock(unrecord(core, input.orderId));
}

/** Takes the order's units out of the show's sales (its hold's, or its own lines); the products touched. */
function unrecord(core: SessionCore, orderId: string): string[] {
  const holds = core.store.all<{ product_id: string }>(
    "update holds set status = 'reversed' where order_id = ? and status = 'converted' returning product_id",
    orderId,
  );
  const lines = core.store.all<{ product_id: string }>(
    'update attributed_sales set reversed = 1 where order_id = ? and reversed = 0 returning product_id',
    orderId,
  );
  return [...new Set([...holds, ...lines].map((row) => row.product_id))];
}

const STANDING = new Set(['pending_payment', 'paid', 'fulfilled']);

/** Every line of the orders attributed to the show, as D1 has them (a query builder, so it can run in a batch). */
export const showOrdersQuery = (db: Db, sessionId: string) => showSaleLines(db, eq(orders.liveSessionId, sessionId));

/**
 * Brings the show's sales in line with D1, its record of orders (read by showOrdersQuery): an order whose
 * news never reached this object (the subscriber's call failed) is counted, one cancelled, expired or
 * refunded meanwhile is taken out. Returns the products whose figures changed; the caller refreshes them
 * (refreshStock), which tells viewers. Runs at the end, on a resync and when the object reloads from D1.
 */
export function applyShowOrders(core: SessionCore, rows: ShowSaleLine[]): string[] {
  const byOrder = new Map<string, ShowSaleLine[]>();
  for (const row of rows) {
    const lines = byOrder.get(row.orderId) ?? [];
    lines.push(row);
    byOrder.set(row.orderId, lines);
  }
  const touched = new Set<string>();
  for (const [orderId, lines] of byOrder) {
    const { status, holdId, placedAt } = lines[0];
    // An order from a hold is counted by its hold (holds.ts keeps those in line with D1).
    const changed = !STANDING.has(status)
      ? unrecord(core, orderId)
      : holdId
        ? []
        : recordLines(core, { orderId, placedAt, lines }).map((l) => l.productId);
    for (const id of changed) touched.add(id);
  }
  return [...touched];
}

export async function reconcileSales(core: SessionCore): Promise<string[]> {
  return applyShowOrders(core, await showOrdersQuery(core.db, core.current().id));
}
