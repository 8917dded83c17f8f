/**
 * The show's holds as D1 has them, taken into the object: D1 writes every hold together with its units, so it
 * accounts for every reserved unit; the object's mirror can miss a write (storage lost, or a reset between
 * D1's write and its own). Used when the object loads, on a resync and when an expiry finds D1 disagreeing.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { holds, orderItems, variants } from '../../src/db/schema';
import type { SessionCore } from './core';

/** The show's holds as D1 has them (for syncHoldsFromD1; a query builder, so it can run inside a batch). */
export function d1HoldsQuery(db: Db, sessionId: string) {
  return db
    .select({
      id: holds.id,
      userId: holds.userId,
      productId: holds.productId,
      variantId: holds.variantId,
      quantity: holds.quantity,
      status: holds.status,
      expiresAt: holds.expiresAt,
      orderId: holds.orderId,
      createdAt: holds.createdAt,
      orderPrice: orderItems.unitPrice,
      priceNow: variants.price,
    })
    .from(holds)
    .leftJoin(orderItems, and(eq(orderItems.orderId, holds.orderId), eq(orderItems.variantId, holds.variantId)))
    .leftJoin(variants, eq(variants.id, holds.variantId))
    .where(eq(holds.sessionId, sessionId));
}

type D1Hold = Awaited<ReturnType<typeof d1HoldsQuery>>[number];

/**
 * Brings the object's holds in line with D1's, which account for every reserved unit: a hold D1 has and this
 * object does not (its storage was lost, or it was reset between D1's write and its own) is taken in, and one
 * whose D1 status moved on without this object (converted, released, expired) takes that status. A hold the
 * object marked `reversed` stays so (D1 keeps `converted`; the order's status says the rest). A converted
 * hold's unit price is its order line's, else the variant's price now. Writes only the object's storage:
 * callers re-read the variants (refreshStock) to count held and sold again.
 */
export function applyD1Holds(core: SessionCore, rows: D1Hold[]) {
  for (const row of rows) {
    const known = core.store.hold(row.id);
    if (known && (known.status === row.status || known.status === 'reversed')) continue;
    const unitPrice = row.orderPrice ?? known?.unit_price ?? row.priceNow ?? 0;
    core.store.run(
      `insert into holds (id, user_id, product_id, variant_id, quantity, status, expires_at, order_id, unit_price,
       created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set status = excluded.status,
       order_id = excluded.order_id, unit_price = excluded.unit_price`,
      row.id,
      row.userId,
      row.productId,
      row.variantId,
      row.quantity,
      row.status,
      row.expiresAt,
      row.orderId,
      unitPrice,
      row.createdAt,
    );
  }
}

export async function syncHoldsFromD1(core: SessionCore) {
  applyD1Holds(core, await d1HoldsQuery(core.db, core.current().id));
}
