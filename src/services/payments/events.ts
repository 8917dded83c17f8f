/**
 * Applies verified provider events to payments and orders. Safe under redelivery, reordering and
 * concurrency:
 * - the event id is inserted in the SAME batch as the change it causes, so a redelivered event (or two
 *   copies racing) applies once; the loser's batch fails on the primary key and changes nothing;
 * - a payment's status only moves forward (failed never overrides succeeded, nothing overrides refunded);
 * - an order is marked paid only by the pending_payment → paid transition, which commits stock once;
 * - a payment that succeeds for an order already cancelled or expired is refunded through the provider
 *   and the order marked refunded, moving no stock (the cancellation released it);
 * - a second payment that succeeds for an order another payment already paid (two intents raced, or a
 *   failed one went through late) is refunded through the provider; the order keeps its first payment,
 *   and that second payment's refund webhook leaves the order alone.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { type PaymentRow, paymentEvents, payments } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { markPaid, refundOrder } from '../order-actions';
import { findOrder } from '../orders';
import type { PaymentEvent, PaymentProvider } from './provider';

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

const isDuplicate = (error: unknown) =>
  /UNIQUE constraint failed: payment_events\.id/.test(String((error as { cause?: unknown })?.cause ?? error));

export async function applyPaymentEvent(
  db: Db,
  provider: PaymentProvider,
  event: PaymentEvent,
  ctx: EventContext,
): Promise<EventOutcome> {
  const seen = await db
    .select({ id: paymentEvents.id })
    .from(paymentEvents)
    .where(eq(paymentEvents.id, event.id))
    .get();
  if (seen) return 'duplicate';
  const payment = event.providerRef
    ? await db
        .select()
        .from(payments)
        .where(and(eq(payments.provider, provider.name), eq(payments.providerRef, event.providerRef)))
        .get()
    : undefined;
  const record = db.insert(paymentEvents).values({
    id: event.id,
    provider: provider.name,
    type: event.kind,
    orderId: payment?.orderId ?? null,
    receivedAt: Date.now(),
  });
  try {
    if (!payment || event.kind === 'ignored') {
      await db.batch([record]);
      return 'ignored';
    }
    await applyToPayment(db, provider, payment, event, record, ctx);
    return 'applied';
  } catch (error) {
    if (isDuplicate(error)) return 'duplicate';
    throw error;
  }
}

async function applyToPayment(
  db: Db,
  provider: PaymentProvider,
  payment: PaymentRow,
  event: PaymentEvent,
  record: BatchItem<'sqlite'>,
  ctx: EventContext,
) {
  const setStatus = (status: PaymentRow['status'], from: PaymentRow['status'][]) =>
    db
      .update(payments)
      .set({ status, updatedAt: Date.now() })
      .where(and(eq(payments.id, payment.id), inArray(payments.status, from)));

  if (event.kind === 'failed') {
    await db.batch([record, setStatus('failed', ['requires_payment', 'processing'])]);
    return;
  }
  if (event.kind === 'succeeded') {
    const matches = event.amount === payment.amount && event.currency === payment.currency;
    if (!matches)
      log('warn', 'payment_amount_mismatch', { requestId: ctx.requestId, paymentId: payment.id, event: event.id });
    const succeeded = setStatus('succeeded', ['requires_payment', 'processing', 'failed', 'canceled']);
    const alongside = [record, succeeded];
    // A transition lost to a concurrent one (e.g. a cancel) is retried against the order's new state.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const order = await findOrder(db, payment.orderId);
      if (matches && payment.status !== 'refunded' && order?.status === 'pending_payment') {
        if (await markPaid(db, order.id, ctx, { alongside })) return;
        continue;
      }
      await (matches ? db.batch([record, succeeded]) : db.batch([record]));
      if (!matches || payment.status === 'refunded' || !order) return;
      if (order.status === 'cancelled') await refundPaidForNothing(db, provider, payment, event.id, ctx);
      else if (order.status === 'refunded' || (await otherSucceededPayment(db, payment))) {
        await refundSecondPayment(db, provider, payment, event.id, ctx);
      }
      return;
    }
  }
  if (event.kind === 'refunded') {
    const refunded = db
      .update(payments)
      .set({ status: 'refunded', updatedAt: Date.now() })
      .where(and(eq(payments.id, payment.id), ne(payments.status, 'refunded')));
    const alongside = [record, refunded];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const order = await findOrder(db, payment.orderId);
      const refundable = order?.status === 'paid' || order?.status === 'fulfilled' || order?.status === 'cancelled';
      // A second payment's refund: the order is paid by another payment and stays so.
      if (order && refundable && !(await otherSucceededPayment(db, payment))) {
        if (await refundOrder(db, order, ctx, { alongside })) return;
        continue;
      }
      await db.batch([record, refunded]);
      return;
    }
  }
  await db.batch([record]);
}

/**
 * The buyer paid for an order that was already cancelled or expired: refund the payment through the
 * provider, then mark the order refunded (no stock moves; the cancellation released it). This runs only
 * after this event's id was recorded, so one event delivered twice, even concurrently, refunds once; a
 * different event for the same payment is covered by the provider's idempotency key (keyed by payment).
 * If the provider call fails, the event id is forgotten and the webhook answers 503, so the provider
 * redelivers the event and the refund is tried again.
 */
async function refundPaidForNothing(
  db: Db,
  provider: PaymentProvider,
  payment: PaymentRow,
  eventId: string,
  ctx: EventContext,
) {
  log('warn', 'payment_succeeded_for_cancelled_order', {
    requestId: ctx.requestId,
    orderId: payment.orderId,
    paymentId: payment.id,
  });
  await refundThroughProvider(db, provider, payment, eventId);
  // The provider's refund webhook may have marked the order refunded already; then there is nothing left.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const order = await findOrder(db, payment.orderId);
    if (order?.status !== 'cancelled' || (await refundOrder(db, order, ctx))) return;
  }
}

/**
 * The order was already paid by another payment (or has been refunded): refund this one through the
 * provider and mark it refunded; the order is not touched. Retried like refundPaidForNothing.
 */
async function refundSecondPayment(
  db: Db,
  provider: PaymentProvider,
  payment: PaymentRow,
  eventId: string,
  ctx: EventContext,
) {
  log('warn', 'second_payment_for_order', {
    requestId: ctx.requestId,
    orderId: payment.orderId,
    paymentId: payment.id,
  });
  await refundThroughProvider(db, provider, payment, eventId);
  await db
    .update(payments)
    .set({ status: 'refunded', updatedAt: Date.now() })
    .where(and(eq(payments.id, payment.id), ne(payments.status, 'refunded')));
}

/**
 * Refunds a payment through the provider (idempotent per payment). If the provider fails, the event id is
 * forgotten and the error propagates (the webhook answers 503), so the provider's redelivery tries again.
 */
async function refundThroughProvider(db: Db, provider: PaymentProvider, payment: PaymentRow, eventId: string) {
  try {
    await provider.refund(payment);
  } catch (error) {
    await db.delete(paymentEvents).where(eq(paymentEvents.id, eventId));
    throw error;
  }
}

/** Another payment of the same order that succeeded: the one the order was paid with. */
function otherSucceededPayment(db: Db, payment: PaymentRow) {
  return db
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.orderId, payment.orderId), eq(payments.status, 'succeeded'), ne(payments.id, payment.id)))
    .get();
}
