/**
 * The show's sales: what `sold` on stock events and the summary count. Two kinds of order are the show's:
 * one placed from a hold (counted when the hold converts, see holds.ts) and one that names the show without a
 * hold (a viewer bought a shown product from the catalog while watching), counted here. Either stops counting
 * when its order is cancelled, expires unpaid or is refunded. Only lines of products the show has are its own,
 * and only once the show has started.
 */
import type { SessionCore } from './core';
import { LiveError } from './errors';

export interface AttributedLine {
  productId: string;
  variantId: string;
  quantity: number;
  unitPrice: number;
  currency: string;
}

/** Counts the order's lines of shown products as sold. Idempotent per order (a reversed one stays reversed). */
export async function attributeSale(
  core: SessionCore,
  input: { orderId: string; placedAt: number; lines: AttributedLine[] },
) {
  const session = core.current();
  // By when the order was placed, not when this call arrives: a start may come in between.
  if (session.started_at === null || input.placedAt < session.started_at) return { counted: 0 };
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
    if (hold.status !== 'converted') return;
    core.store.run("update holds set status = 'reversed' where id = ?", hold.id);
    await core.refreshStock([hold.product_id]);
    return;
  }
  const lines = core.store.all<{ product_id: string }>(
    'update attributed_sales set reversed = 1 where order_id = ? and reversed = 0 returning product_id',
    input.orderId,
  );
  await core.refreshStock([...new Set(lines.map((l) => l.product_id))]);
}
