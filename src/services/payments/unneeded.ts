/**
 * Payments an order does not need: one that succeeded for an order already cancelled or expired (or that the
 * success itself cancelled, a seller having erased their account: events.ts), or a second one for an order
 * another payment already paid (or that was refunded). Both are refunded through
 * the provider (idempotent per payment: a retry never refunds twice). The webhook does this as the success
 * arrives; the maintenance sweep catches a success whose refund never ran (the Worker stopped between
 * recording the event and calling the provider, so the redelivered event was a duplicate).
 */
import { and, eq, gte, inArray, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type OrderRow, orders, type PaymentRow, paymentEvents, payments } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { refundOrder } from '../order-actions';
import { findOrder } from '../orders';
import { markPaymentRefunded, providerFor, succeededPayment } from './index';
import type { PaymentProvider, PaymentSecrets } from './provider';

/**
 * Refunds `payment` (which has succeeded) when `order` does not need it. A cancelled order becomes
 * `refunded` (no stock moves: the cancellation released it); otherwise only the payment is marked refunded.
 * With `eventId`, a provider failure forgets that webhook event before rethrowing, so the provider's
 * redelivery tries again.
 * @returns whether the payment was unneeded (and is now refunded)
 */
export async function refundIfUnneeded(
  db: Db,
  provider: PaymentProvider,
  payment: PaymentRow,
  order: OrderRow,
  ctx: EventContext,
  eventId?: string,
): Promise<boolean> {
  const forCancelled = order.status === 'cancelled';
  if (!forCancelled && order.status !== 'refunded' && !(await succeededPayment(db, payment.orderId, payment.id)))
    return false;
  log('warn', forCancelled ? 'payment_succeeded_for_cancelled_order' : 'second_payment_for_order', {
    requestId: ctx.requestId,
    orderId: payment.orderId,
    paymentId: payment.id,
  });
  try {
    await provider.refund(payment);
  } catch (error) {
    if (eventId) await db.delete(paymentEvents).where(eq(paymentEvents.id, eventId));
    throw error;
  }
  await markPaymentRefunded(db, payment.id);
  // The provider's refund webhook may have marked the order refunded already; then there is nothing left.
  for (let attempt = 0; forCancelled && attempt < 3; attempt += 1) {
    const current = await findOrder(db, payment.orderId);
    if (current?.status !== 'cancelled' || (await refundOrder(db, current, ctx))) break;
  }
  return true;
}

/** Successes younger than this are left to their webhook, which may still be refunding them. */
const SWEEP_GRACE_MS = 5 * 60_000;
/** A stranded success is found within a day; older ones are not scanned every minute. */
const SWEEP_LOOK_BACK_MS = 24 * 60 * 60_000;

/**
 * Refunds succeeded payments that their order does not need and whose webhook did not refund them. Of two
 * successes for one paid order, the later one is refunded (as the webhook would have).
 * @returns how many payments were refunded
 */
export async function sweepUnneededPayments(
  db: Db,
  env: Env & PaymentSecrets,
  ctx: EventContext,
  now = Date.now(),
  limit = 50,
): Promise<number> {
  const earlierSuccess = sql`exists (select 1 from payments p2 where p2.order_id = ${payments.orderId}
    and p2.status = 'succeeded' and (p2.updated_at < ${payments.updatedAt}
      or (p2.updated_at = ${payments.updatedAt} and p2.id < ${payments.id})))`;
  const stranded = await db
    .select({ payment: payments, order: orders })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(
      and(
        eq(payments.status, 'succeeded'),
        gte(payments.updatedAt, now - SWEEP_LOOK_BACK_MS),
        lte(payments.updatedAt, now - SWEEP_GRACE_MS),
        or(inArray(orders.status, ['cancelled', 'refunded']), earlierSuccess),
      ),
    )
    .limit(limit);
  let refunded = 0;
  for (const { payment, order } of stranded) {
    try {
      if (await refundIfUnneeded(db, providerFor(env, payment.provider), payment, order, ctx)) refunded += 1;
    } catch (error) {
      // The next sweep tries again; one provider failure must not stop the others.
      log('error', 'payment_refund_sweep_failed', {
        requestId: ctx.requestId,
        paymentId: payment.id,
        error: String(error),
      });
    }
  }
  return refunded;
}
