/**
 * What can happen to an order after it is placed: cancel, expiry, payment, fulfilment, refund. Each
 * runs one guarded transition (src/services/order-transitions.ts) and then emits its domain events.
 */
import { and, eq, lte } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type OrderCancelReason, type OrderRow, orders } from '../db/schema';
import { ApiError } from '../lib/errors';
import { type EventContext, emitDomainEvent } from './domain-events';
import { type Transition, type TransitionOptions, transitionOrder, transitions } from './order-transitions';
import { findOrder, showOf } from './orders';
import { cancelOpenIntents } from './payments/cancel-intents';
import type { CancelReason } from './payments/provider';

/**
 * Runs after the cancel/expiry transition has committed, never inside it: D1 has no transaction that
 * could span a provider call, and the order must end cancelled (stock released) whatever the provider
 * says. Called before the commit, a cancelled intent could be left behind by a transition that then
 * lost to a concurrent payment, or a slow provider could hold the cancel hostage. Only the request that
 * won the transition gets here, so the provider is asked once. If the call fails, or the buyer pays in
 * between, the success webhook refunds the payment. In a request it finishes after the response
 * (waitUntil); in the cron it is awaited.
 */
async function cancelIntentsAfter(db: Db, order: OrderRow, reason: CancelReason, ctx: EventContext) {
  const work = cancelOpenIntents(db, order.id, reason, ctx);
  if (ctx.waitUntil) ctx.waitUntil(work);
  else await work;
}

async function apply(
  db: Db,
  orderId: string,
  t: Transition,
  ctx: EventContext,
  options: TransitionOptions = {},
): Promise<OrderRow | null> {
  const result = await transitionOrder(db, orderId, t, options);
  if (!result) return null;
  const { order, productIds } = result;
  const about = { orderId, userId: order.userId, ...showOf(order) };
  if (t.to === 'cancelled') await emitDomainEvent({ type: 'order.cancelled', ...about }, ctx);
  if (t.to === 'paid') await emitDomainEvent({ type: 'order.paid', ...about }, ctx);
  if (t.to === 'refunded') await emitDomainEvent({ type: 'order.refunded', ...about }, ctx);
  if (productIds.length > 0) await emitDomainEvent({ type: 'stock.changed', productIds, reason: t.reason }, ctx);
  return order;
}

/** The 409 for a transition the order's status forbids; `orderStatus` lets an app branch without parsing text. */
export function illegal(order: OrderRow, action: string): ApiError {
  return new ApiError('invalid_state', `An order that is ${order.status.replace('_', ' ')} cannot be ${action}`, {
    orderStatus: order.status,
  });
}

/**
 * Buyer (or admin) cancels an unpaid order; its units go back on sale. `reason` is `account_erased` when the
 * buyer's account is being erased (src/services/privacy/orders.ts): nobody is left to pay for it.
 */
export async function cancelOrder(
  db: Db,
  order: OrderRow,
  ctx: EventContext,
  reason: Extract<OrderCancelReason, 'cancelled_by_buyer' | 'account_erased'> = 'cancelled_by_buyer',
): Promise<OrderRow> {
  const done = await apply(db, order.id, transitions.cancel, ctx, { set: { cancelReason: reason } });
  if (done) {
    await cancelIntentsAfter(db, done, 'requested_by_customer', ctx);
    return done;
  }
  throw illegal((await findOrder(db, order.id)) ?? order, 'cancelled');
}

/**
 * Cancels an unpaid order that has a line of an erased creator's product: nobody would ship it. The erasure
 * cancels those it finds (privacy/catalog.ts); a payment that succeeds anyway (an intent handed out before the
 * erasure) cancels its order too, and the webhook then refunds it (payments/events.ts). Null when the order was
 * no longer unpaid.
 */
export async function cancelForErasedSeller(
  db: Db,
  orderId: string,
  ctx: EventContext,
  options: TransitionOptions = {},
) {
  const done = await apply(db, orderId, transitions.cancel, ctx, {
    ...options,
    set: { cancelReason: 'seller_erased' },
  });
  if (done) await cancelIntentsAfter(db, done, 'abandoned', ctx);
  return done;
}

/** Cancels the order if it is unpaid past its payment window; returns the current row either way. */
export async function expireIfDue(db: Db, order: OrderRow, ctx: EventContext, now = Date.now()): Promise<OrderRow> {
  if (order.status !== 'pending_payment' || order.expiresAt > now) return order;
  const done = await apply(db, order.id, transitions.expire, ctx, {
    when: lte(orders.expiresAt, now),
    set: { cancelReason: 'expired' },
  });
  if (done) await cancelIntentsAfter(db, done, 'abandoned', ctx);
  return done ?? (await findOrder(db, order.id)) ?? order;
}

/** Cancels every unpaid order past its window (cron); bounded per run. */
export async function expireDueOrders(db: Db, ctx: EventContext, now = Date.now(), limit = 200): Promise<number> {
  const due = await db
    .select()
    .from(orders)
    .where(and(eq(orders.status, 'pending_payment'), lte(orders.expiresAt, now)))
    .limit(limit);
  let expired = 0;
  for (const order of due) {
    if ((await expireIfDue(db, order, ctx, now)).status === 'cancelled') expired += 1;
  }
  return expired;
}

export async function fulfilOrder(db: Db, order: OrderRow, ctx: EventContext): Promise<OrderRow> {
  const done = await apply(db, order.id, transitions.fulfil, ctx);
  if (done) return done;
  throw illegal((await findOrder(db, order.id)) ?? order, 'fulfilled');
}

/**
 * Marks a paid or fulfilled order refunded; units of an unshipped (paid) order return to stock. A
 * cancelled order is refunded when a payment for it succeeded anyway; its units were already released.
 */
export async function refundOrder(
  db: Db,
  order: OrderRow,
  ctx: EventContext,
  options: TransitionOptions = {},
): Promise<OrderRow | null> {
  const t =
    order.status === 'fulfilled'
      ? transitions.refundFulfilled
      : order.status === 'cancelled'
        ? transitions.refundCancelled
        : transitions.refundPaid;
  return apply(db, order.id, t, ctx, options);
}

/** The payment succeeded: the reservation becomes a sale. Null when the order was not awaiting payment. */
export async function markPaid(db: Db, orderId: string, ctx: EventContext, options: TransitionOptions = {}) {
  return apply(db, orderId, transitions.pay, ctx, { ...options, set: { paidAt: Date.now() } });
}
