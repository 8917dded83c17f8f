/**
 * Applies verified provider events to payments and orders. Safe under redelivery, reordering and
 * concurrency:
 * - the event id is inserted in the SAME batch as the change it causes, so a redelivered event (or two
 *   copies racing) applies once; the loser's batch fails on the primary key and changes nothing;
 * - a payment's status only moves forward (failed never overrides succeeded, nothing overrides refunded);
 * - an order is marked paid only by the pending_payment → paid transition, which commits stock once;
 * - a payment that succeeds for an order already cancelled or expired, or a second one for an order another
 *   payment already paid (two intents raced, or a failed one went through late), is refunded (see
 *   unneeded.ts); a second payment's refund webhook leaves the order alone;
 * - a success for an unpaid order with a line of an erased creator's product (its intent was handed out before
 *   the erasure) cancels the order instead of paying it, in the batch that records the event, then is refunded
 *   like a success for any cancelled order.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../../db/client';
import { d1ErrorMatches } from '../../db/errors';
import { type PaymentRow, paymentEvents, payments } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { cancelForErasedSeller, markPaid, refundOrder } from '../order-actions';
import { findOrder, orderById } from '../orders';
import { erasedSellerLine, markPaymentRefunded, succeededPayment } from './index';
import type { PaymentEvent, PaymentProvider } from './provider';
import { refundIfUnneeded } from './unneeded';

export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

const isDuplicate = (error: unknown) => d1ErrorMatches(error, /UNIQUE constraint failed: payment_events\.id/);

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
      // One round trip: the seller check is a primary-key join beside the order read.
      const [[order], erased] = await db.batch([orderById(db, payment.orderId), erasedSellerLine(db, payment.orderId)]);
      if (matches && payment.status !== 'refunded' && order?.status === 'pending_payment') {
        if (erased.length === 0) {
          if (await markPaid(db, order.id, ctx, { alongside })) return;
          continue;
        }
        const cancelled = await cancelForErasedSeller(db, order.id, ctx, { alongside });
        if (!cancelled) continue;
        await refundIfUnneeded(db, provider, payment, cancelled, ctx, event.id);
        return;
      }
      await (matches ? db.batch([record, succeeded]) : db.batch([record]));
      // Only after this event's id was recorded: one event delivered twice, even concurrently, refunds once.
      if (matches && payment.status !== 'refunded' && order) {
        await refundIfUnneeded(db, provider, payment, order, ctx, event.id);
      }
      return;
    }
  }
  if (event.kind === 'refunded') {
    const refunded = markPaymentRefunded(db, payment.id);
    const alongside = [record, refunded];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const order = await findOrder(db, payment.orderId);
      const refundable = order?.status === 'paid' || order?.status === 'fulfilled' || order?.status === 'cancelled';
      // A second payment's refund: the order is paid by another payment and stays so.
      if (order && refundable && !(await succeededPayment(db, payment.orderId, payment.id))) {
        if (await refundOrder(db, order, ctx, { alongside })) return;
        continue;
      }
      await db.batch([record, refunded]);
      return;
    }
  }
  await db.batch([record]);
}
