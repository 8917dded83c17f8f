/**
 * Placing and reading orders. Placing an order is ONE D1 batch: the order (with its Idempotency-Key, the
 * recovery point of src/services/order-recovery.ts), its items and the stock reservation
 * (src/services/inventory.ts); the stock CHECK constraint makes a short line fail the whole batch, so a 409
 * means nothing was written and nothing reserved.
 */
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { inList, insertRows } from '../db/bounded';
import type { Db } from '../db/client';
import { d1ErrorMatches } from '../db/errors';
import { carts, liveSessions, type OrderItemRow, type OrderRow, orderItems, orders, variants } from '../db/schema';
import type { IdempotencyClaim } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { money } from '../lib/money';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import { type EventContext, emitDomainEvent } from './domain-events';
import { isStockShortage, refreshProductStatement, reserveStatements } from './inventory';
import type { PricedLine } from './order-lines';
import { orderPlacedWith, type PlacedOrder } from './order-recovery';
import { creditableShare } from './share-attribution';

export interface NewOrder {
  userId: string;
  lines: PricedLine[];
  currency: string;
  liveSessionId?: string;
  shareCode?: string;
  holdId?: string;
  /** False when the units are already reserved (an order from a live hold). */
  reserve: boolean;
  /**
   * Checkout from the cart: empty it in the same batch, if it is still the version read (`updatedAt`). A cart
   * another device saved since holds lines this order does not, and stays.
   */
  clearCart?: { updatedAt: number | null };
  /** Statements that must commit with the order (e.g. marking a hold converted). */
  alongside?: BatchItem<'sqlite'>[];
  id?: string;
  /** The request's claimed Idempotency-Key: stored on the order, so a retry finds it (order-recovery.ts). */
  idempotency?: IdempotencyClaim;
}

export function paymentWindowMs(env: Env): number {
  const seconds = Number(env.ORDER_PAYMENT_TTL_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 1800) * 1000;
}

/**
 * The attribution an order keeps: a live session id or share code that names nothing is dropped (the order
 * answers null), neither stored nor a reason to refuse the purchase (a share may be gone since the buyer
 * followed it); so is the code of a sharer whose account was erased.
 */
async function knownAttribution(db: Db, input: Pick<NewOrder, 'liveSessionId' | 'shareCode'>) {
  if (!input.liveSessionId && !input.shareCode) return { liveSessionId: null, shareCode: null };
  const [session, share] = await db.batch([
    db
      .select({ id: liveSessions.id })
      .from(liveSessions)
      .where(eq(liveSessions.id, input.liveSessionId ?? '')),
    creditableShare(db, input.shareCode ?? ''),
  ]);
  return { liveSessionId: session[0]?.id ?? null, shareCode: share[0]?.code ?? null };
}

/** The live show an order's events name: the session it is attributed to, and the hold it came from if any. */
export function showOf(order: Pick<OrderRow, 'liveSessionId' | 'holdId'>) {
  const liveSessionId = order.liveSessionId ?? undefined;
  const fromHold = order.holdId && liveSessionId ? { holdId: order.holdId, sessionId: liveSessionId } : undefined;
  return { liveSessionId, fromHold };
}

/**
 * Order lines as a live show counts them as its sales (durable-objects/live/sales.ts): one row per line, with
 * its order's status, hold, currency and the time it was placed. A query builder, so it can run in a batch.
 */
export function showSaleLines(db: Db, where: SQL) {
  return db
    .select({
      orderId: orders.id,
      status: orders.status,
      holdId: orders.holdId,
      placedAt: orders.createdAt,
      currency: orders.currency,
      productId: orderItems.productId,
      variantId: orderItems.variantId,
      quantity: orderItems.quantity,
      unitPrice: orderItems.unitPrice,
    })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(where);
}

export type ShowSaleLine = Awaited<ReturnType<typeof showSaleLines>>[number];

export async function placeOrder(
  db: Db,
  input: NewOrder,
  ctx: EventContext,
): Promise<PlacedOrder & { replayed: boolean }> {
  const now = Date.now();
  const id = input.id ?? newId('order', now);
  const total = input.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const productIds = [...new Set(input.lines.map((l) => l.productId))];
  const order = {
    id,
    userId: input.userId,
    status: 'pending_payment' as const,
    currency: input.currency,
    totalAmount: total,
    ...(await knownAttribution(db, input)),
    holdId: input.holdId ?? null,
    idempotencyKey: input.idempotency?.key ?? null,
    idempotencyFingerprint: input.idempotency?.fingerprint ?? null,
    expiresAt: now + paymentWindowMs(ctx.env),
    createdAt: now,
    updatedAt: now,
  };
  const items = input.lines.map((line, position) => ({ orderId: id, position, ...line }));
  const reserve = input.reserve
    ? [...reserveStatements(db, input.lines), ...productIds.map((p) => refreshProductStatement(db, p))]
    : [];
  const clear =
    input.clearCart?.updatedAt != null
      ? [db.delete(carts).where(and(eq(carts.userId, input.userId), eq(carts.updatedAt, input.clearCart.updatedAt)))]
      : [];
  try {
    await db.batch([
      db.insert(orders).values(order),
      ...insertRows(db, orderItems, items),
      ...reserve,
      ...clear,
      ...(input.alongside ?? []),
    ]);
  } catch (error) {
    if (isStockShortage(error)) throw await shortageError(db, input.lines);
    // Two retries completing the same hold's order race to insert one id (or one hold), or two runs of one
    // request (a stale claim taken over while its first run still ran) to insert one key: one wins, and a run
    // of the winner's request answers with its order.
    if (d1ErrorMatches(error, /UNIQUE constraint failed: orders\.(id|hold_id|user_id)/)) {
      const placed = await orderPlacedWith(db, input.userId, input.idempotency);
      if (placed) return { ...placed, replayed: true };
      throw new ApiError('already_exists', 'This order was already placed');
    }
    throw error;
  }
  await emitDomainEvent({ type: 'order.created', orderId: id, userId: input.userId, ...showOf(order) }, ctx);
  if (input.reserve) await emitDomainEvent({ type: 'stock.changed', productIds, reason: 'order.created' }, ctx);
  return { order: { ...order, cancelReason: null, transitionToken: null, paidAt: null }, items, replayed: false };
}

/** The 409 for a failed reservation, naming the lines that are short right now. */
async function shortageError(db: Db, lines: PricedLine[]): Promise<ApiError> {
  const rows = await db
    .select({ id: variants.id, onHand: variants.stockOnHand, reserved: variants.stockReserved })
    .from(variants)
    .where(
      inList(
        variants.id,
        lines.map((l) => l.variantId),
      ),
    );
  const available = new Map(rows.map((r) => [r.id, Math.max(0, r.onHand - r.reserved)]));
  const errors = lines.flatMap((line, i) => {
    const left = available.get(line.variantId) ?? 0;
    return left < line.quantity ? [{ path: `items.${i}`, message: `only ${left} available`, available: left }] : [];
  });
  return new ApiError('insufficient_stock', 'Not enough stock for this order; nothing was reserved', { errors });
}

/** The order's row as a query, to batch with other reads (`findOrder` runs it alone). */
export function orderById(db: Db, id: string) {
  return db.select().from(orders).where(eq(orders.id, id));
}

export async function findOrder(db: Db, id: string): Promise<OrderRow | undefined> {
  return orderById(db, id).get();
}

export async function itemsOf(db: Db, orderIds: string[]): Promise<Map<string, OrderItemRow[]>> {
  const byOrder = new Map<string, OrderItemRow[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await db
    .select()
    .from(orderItems)
    .where(inList(orderItems.orderId, orderIds))
    .orderBy(orderItems.orderId, orderItems.position);
  for (const row of rows) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
  return byOrder;
}

export async function listOrderRows(db: Db, userId: string, limit: number, cursor?: string) {
  const after = decodeCursor(cursor, 2, ['orders', userId]) as [number, string] | undefined;
  const rows = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.userId, userId),
        after
          ? or(lt(orders.createdAt, after[0]), and(eq(orders.createdAt, after[0]), lt(orders.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.id))
    .limit(limit + 1);
  return paginate(rows, limit, (r) => [r.createdAt, r.id], ['orders', userId]);
}

/** The public shape of an order. */
export function toOrder(order: OrderRow, items: OrderItemRow[]) {
  return {
    id: order.id,
    status: order.status,
    items: items.map((i) => ({
      productId: i.productId,
      variantId: i.variantId,
      title: i.title,
      options: i.options,
      quantity: i.quantity,
      unitPrice: money(i.unitPrice, order.currency),
      lineTotal: money(i.unitPrice * i.quantity, order.currency),
    })),
    total: money(order.totalAmount, order.currency),
    liveSessionId: order.liveSessionId,
    shareCode: order.shareCode,
    holdId: order.holdId,
    cancelReason: order.cancelReason,
    expiresAt: order.status === 'pending_payment' ? toIso(order.expiresAt) : null,
    paidAt: order.paidAt ? toIso(order.paidAt) : null,
    createdAt: toIso(order.createdAt),
    updatedAt: toIso(order.updatedAt),
  };
}
