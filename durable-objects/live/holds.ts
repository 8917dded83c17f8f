/**
 * Holds (claims): units taken out of what others can buy until the hold expires, is released, or becomes
 * an order. Each transition is one D1 batch — the stock statements from src/services/inventory.ts plus the
 * hold row — so D1 alone always accounts for every reserved unit; the object mirrors holds to count
 * held/sold per variant and to expire them by alarm, and takes D1's word where the two differ
 * (holds-from-d1.ts).
 */

import { and, eq, exists, sql } from 'drizzle-orm';
import { inList } from '../../src/db/bounded';
import type { Db } from '../../src/db/client';
import { holds, variants as variantRows } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';
import {
  isStockShortage,
  refreshProductStatement,
  releaseStatements,
  reserveStatements,
} from '../../src/services/inventory';
import type { SessionCore, VariantDbRow } from './core';
import { LiveError } from './errors';
import { syncHoldsFromD1 } from './holds-from-d1';
import type { HoldRow } from './store';

export const HOLD_TTL_MS = 10 * 60 * 1000;
/** Units of one product a person may hold at once in a show (one hold's maximum): no one corners a drop. */
export const MAX_UNITS_HELD_PER_PERSON = 10;

export interface HoldInput {
  userId: string;
  productId: string;
  variantId?: string;
  quantity: number;
}

/**
 * The D1 hold row, written only if its variant row is still there: for a product deleted since this object
 * last read D1, the reserve before it in the batch matched no row (nothing reserved, and no CHECK to fail),
 * and a hold must never exist without its units reserved. Returns the inserted id, or nothing.
 */
function insertHoldStatement(db: Db, sessionId: string, hold: HoldRow) {
  const row = {
    id: sql`${hold.id}`.as('id'),
    sessionId: sql`${sessionId}`.as('session_id'),
    userId: sql`${hold.user_id}`.as('user_id'),
    productId: variantRows.productId,
    variantId: variantRows.id,
    quantity: sql`${hold.quantity}`.as('quantity'),
    status: sql`'active'`.as('status'),
    expiresAt: sql`${hold.expires_at}`.as('expires_at'),
    orderId: sql`null`.as('order_id'),
    createdAt: sql`${hold.created_at}`.as('created_at'),
  };
  const stillThere = and(eq(variantRows.id, hold.variant_id), eq(variantRows.productId, hold.product_id));
  return db
    .insert(holds)
    .select((qb) => qb.select(row).from(variantRows).where(stillThere))
    .returning({ id: holds.id });
}

export async function createHold(core: SessionCore, input: HoldInput) {
  const session = core.current();
  if (session.status !== 'live') throw new LiveError('invalid_state', 'Claims open when the session is live');
  if (!core.store.product(input.productId)) throw new LiveError('not_found', 'This session does not show that product');
  const variants = core.store.variants(input.productId);
  const variant = input.variantId ? variants.find((v) => v.id === input.variantId) : variants[0];
  if (!variant) throw new LiveError('not_found', 'Variant not found for this product');
  if (!input.variantId && variants.length > 1) {
    throw new LiveError('validation_failed', 'variantId is required for a product with several variants');
  }
  const held = core.store.one<{ units: number | null }>(
    "select sum(quantity) as units from holds where user_id = ? and product_id = ? and status = 'active'",
    input.userId,
    input.productId,
  );
  if ((held?.units ?? 0) + input.quantity > MAX_UNITS_HELD_PER_PERSON) {
    throw new LiveError(
      'invalid_state',
      `At most ${MAX_UNITS_HELD_PER_PERSON} units of a product can be held per person; order or release a hold first`,
    );
  }
  const now = Date.now();
  const hold: HoldRow = {
    id: newId('hold', now),
    user_id: input.userId,
    product_id: input.productId,
    variant_id: variant.id,
    quantity: input.quantity,
    status: 'active',
    expires_at: now + HOLD_TTL_MS,
    order_id: null,
    unit_price: variant.price,
    created_at: now,
  };
  const db = core.db;
  let written: unknown[];
  try {
    written = await core.batch([
      ...reserveStatements(db, [{ variantId: hold.variant_id, quantity: hold.quantity }]),
      refreshProductStatement(db, hold.product_id),
      insertHoldStatement(db, session.id, hold),
      core.variantsQuery(hold.product_id),
    ]);
  } catch (error) {
    if (isStockShortage(error)) throw new LiveError('insufficient_stock', 'Not enough units left to claim');
    throw error;
  }
  if ((written.at(-2) as unknown[]).length === 0) {
    // Takes the deleted product off the show (its variants are gone from the read-back).
    await core.refreshStock([hold.product_id], { rows: written.at(-1) as VariantDbRow[] });
    throw new LiveError('not_found', 'This product or variant is no longer on sale');
  }
  core.store.run(
    `insert into holds (id, user_id, product_id, variant_id, quantity, status, expires_at, unit_price, created_at)
     values (?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
    hold.id,
    hold.user_id,
    hold.product_id,
    hold.variant_id,
    hold.quantity,
    hold.expires_at,
    hold.unit_price,
    now,
  );
  await core.refreshStock([hold.product_id], { rows: written.at(-1) as VariantDbRow[] });
  await core.scheduleAlarm();
  return hold;
}

/** True while D1 still has the hold active: its units are still the hold's to give back. */
const stillActiveInD1 = (core: SessionCore, holdId: string) =>
  exists(
    core.db
      .select({ id: holds.id })
      .from(holds)
      .where(and(eq(holds.id, holdId), eq(holds.status, 'active'))),
  );

/**
 * Gives held units back: one D1 batch per call for all `due` holds. Each release is guarded by D1's own
 * status of the hold, not this object's: a hold D1 knows as converted (the object was reset between D1's
 * write and its own) has units that belong to an order now. Such holds take D1's status here.
 */
async function endHolds(core: SessionCore, due: HoldRow[], status: 'released' | 'expired'): Promise<number> {
  if (due.length === 0) return 0;
  const db = core.db;
  const productIds = [...new Set(due.map((h) => h.product_id))];
  const written = await core.batch([
    // Before the status change, which the guards read.
    ...due.flatMap((h) =>
      releaseStatements(db, [{ variantId: h.variant_id, quantity: h.quantity }], stillActiveInD1(core, h.id)),
    ),
    db
      .update(holds)
      .set({ status })
      .where(
        and(
          inList(
            holds.id,
            due.map((h) => h.id),
          ),
          eq(holds.status, 'active'),
        ),
      )
      .returning({ id: holds.id }),
    ...productIds.map((id) => refreshProductStatement(db, id)),
  ]);
  const ended = new Set((written[due.length] as { id: string }[]).map((row) => row.id));
  for (const hold of due.filter((h) => ended.has(h.id))) {
    core.store.run('update holds set status = ? where id = ?', status, hold.id);
  }
  if (ended.size < due.length) await syncHoldsFromD1(core);
  await core.refreshStock(productIds);
  return ended.size;
}

function ownHold(core: SessionCore, holdId: string, userId: string) {
  const hold = core.store.hold(holdId);
  // Someone else's hold answers like a missing one.
  if (!hold || hold.user_id !== userId) throw new LiveError('not_found', 'Hold not found');
  return hold;
}

/** Releases a viewer's own hold. Releasing one that already ended is a no-op. */
export async function releaseHold(core: SessionCore, input: { holdId: string; userId: string }) {
  const hold = ownHold(core, input.holdId, input.userId);
  if (hold.status === 'converted') throw new LiveError('invalid_state', 'The hold became an order; cancel the order');
  if (hold.status === 'active') await endHolds(core, [hold], 'released');
  await core.scheduleAlarm();
}

/**
 * Releases every active hold of a user whose account is being erased, as if they released each one: the
 * units are on sale again at once (not when the holds would have expired) and viewers get the usual stock
 * events. Returns how many were released; none left is a no-op, so an erasure can run it again.
 */
export async function releaseHoldsOf(core: SessionCore, userId: string) {
  const active = core.store.all<HoldRow>("select * from holds where user_id = ? and status = 'active'", userId);
  const released = await endHolds(core, active, 'released');
  await core.scheduleAlarm();
  return released;
}

/** Expires every active hold whose time is up. */
export async function expireDueHolds(core: SessionCore, now = Date.now()) {
  const due = core.store.all<HoldRow>("select * from holds where status = 'active' and expires_at <= ?", now);
  await endHolds(core, due, 'expired');
}

/**
 * Turns a hold into (part of) an order: its reserved units now belong to `orderId`, and it never expires.
 * Idempotent for the same order; expired or released → gone; converted for another order → invalid_state.
 */
export async function convertHold(core: SessionCore, input: { holdId: string; userId: string; orderId: string }) {
  const hold = ownHold(core, input.holdId, input.userId);
  const result = { productId: hold.product_id, variantId: hold.variant_id, quantity: hold.quantity };
  if (hold.status === 'converted') {
    if (hold.order_id === input.orderId) return result;
    throw new LiveError('invalid_state', 'The hold already became another order');
  }
  if (hold.status === 'active' && hold.expires_at <= Date.now()) {
    await endHolds(core, [hold], 'expired');
    await core.scheduleAlarm();
    throw new LiveError('gone', 'The hold expired');
  }
  if (hold.status !== 'active') throw new LiveError('gone', `The hold was ${hold.status}`);
  await core.db
    .update(holds)
    .set({ status: 'converted', orderId: input.orderId })
    .where(and(eq(holds.id, hold.id), eq(holds.status, 'active')));
  const price = core.store.variant(hold.variant_id)?.price ?? hold.unit_price;
  core.store.run(
    "update holds set status = 'converted', order_id = ?, unit_price = ? where id = ?",
    input.orderId,
    price,
    hold.id,
  );
  await core.refreshStock([hold.product_id]);
  await core.scheduleAlarm();
  return result;
}
