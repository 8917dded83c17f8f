/**
 * The order state machine and the stock movement each transition makes:
 *
 *   pending_payment ─paid (webhook)──▶ paid ─fulfil─▶ fulfilled
 *          │                             │               │
 *          └─cancel / expiry─▶ cancelled └─refund─▶ refunded ◀─refund─┘
 *                                   └──────refund (paid anyway)──────▲
 *
 *   cancel/expire : release the reservation     paid → refunded      : restock (units never left)
 *   pay           : commit (reserved → sold)    fulfilled → refunded : nothing (goods were shipped;
 *                                                                      returns are restocked by the host)
 *   cancelled → refunded : nothing (a payment that succeeded after the cancel; its units were released)
 *
 * Each transition is ONE D1 batch: a conditional UPDATE of the order (only from the legal states) that
 * stamps a fresh `transition_token`, then the stock statements guarded by "this order carries my token".
 * If a concurrent request moved the order first, the UPDATE matches nothing and the guarded stock
 * statements change nothing: stock is never released or committed twice.
 */
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { type OrderRow, type OrderStatus, orderItems, orders } from '../db/schema';
import {
  commitStatements,
  refreshProductStatement,
  releaseStatements,
  restockStatements,
  type StockLine,
} from './inventory';

type StockOp = (db: Db, lines: StockLine[], guard?: SQL) => BatchItem<'sqlite'>[];

export interface Transition {
  from: OrderStatus[];
  to: OrderStatus;
  stock?: StockOp;
  /** Why stock moved, for `stock.changed` events. */
  reason: string;
}

export const transitions = {
  cancel: { from: ['pending_payment'], to: 'cancelled', stock: releaseStatements, reason: 'order.cancelled' },
  expire: { from: ['pending_payment'], to: 'cancelled', stock: releaseStatements, reason: 'order.expired' },
  pay: { from: ['pending_payment'], to: 'paid', stock: commitStatements, reason: 'order.paid' },
  fulfil: { from: ['paid'], to: 'fulfilled', reason: 'order.fulfilled' },
  refundPaid: { from: ['paid'], to: 'refunded', stock: restockStatements, reason: 'order.refunded' },
  refundFulfilled: { from: ['fulfilled'], to: 'refunded', reason: 'order.refunded' },
  refundCancelled: { from: ['cancelled'], to: 'refunded', reason: 'order.refunded' },
} satisfies Record<string, Transition>;

export interface TransitionOptions {
  /** Extra condition on the order row (e.g. "has expired"). */
  when?: SQL;
  /** Extra columns to set on the order. */
  set?: Partial<Pick<OrderRow, 'cancelReason' | 'paidAt'>>;
  /** Statements that must commit together with the transition (e.g. recording a webhook event id). */
  alongside?: BatchItem<'sqlite'>[];
}

export interface TransitionResult {
  order: OrderRow;
  productIds: string[];
}

/** Applies `t` to the order if it is in one of `t.from`; null when it was not (nothing changed). */
export async function transitionOrder(
  db: Db,
  orderId: string,
  t: Transition,
  options: TransitionOptions = {},
): Promise<TransitionResult | null> {
  const items = await db
    .select({ variantId: orderItems.variantId, productId: orderItems.productId, quantity: orderItems.quantity })
    .from(orderItems)
    .where(eq(orderItems.orderId, orderId));
  const token = crypto.randomUUID();
  const guard = sql`exists (select 1 from ${orders} where ${orders.id} = ${orderId} and ${orders.transitionToken} = ${token})`;
  const productIds = [...new Set(items.map((i) => i.productId))];
  const stock = t.stock
    ? [...t.stock(db, items, guard), ...productIds.map((id) => refreshProductStatement(db, id))]
    : [];
  const update = db
    .update(orders)
    .set({ status: t.to, transitionToken: token, updatedAt: Date.now(), ...options.set })
    .where(and(eq(orders.id, orderId), inArray(orders.status, t.from), options.when))
    .returning();
  const [updated] = await db.batch([update, ...stock, ...(options.alongside ?? [])]);
  const order = updated[0];
  return order ? { order, productIds: t.stock ? productIds : [] } : null;
}
