/**
 * Cancelling the provider's payment intents of an order that was just cancelled or expired, so the
 * buyer can no longer pay for it. Best effort: a refusal or an unreachable provider is logged, never
 * thrown, because the order is already cancelled in D1 and stays so. If the buyer still pays, the
 * success webhook refunds the payment (src/services/payments/events.ts).
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type PaymentRow, payments } from '../../db/schema';
import { log } from '../../lib/logger';
import type { EventContext } from '../domain-events';
import { providerFor } from './index';
import type { CancelReason } from './provider';

/** A failed attempt's intent is still payable at Stripe (it returns to requires_payment_method). */
const payable: PaymentRow['status'][] = ['requires_payment', 'processing', 'failed'];

export async function cancelOpenIntents(db: Db, orderId: string, reason: CancelReason, ctx: EventContext) {
  const open = await db
    .select()
    .from(payments)
    .where(and(eq(payments.orderId, orderId), inArray(payments.status, payable)));
  for (const payment of open) {
    try {
      await providerFor(ctx.env, payment.provider).cancelIntent(payment, reason);
      await db
        .update(payments)
        .set({ status: 'canceled', updatedAt: Date.now() })
        .where(and(eq(payments.id, payment.id), inArray(payments.status, payable)));
    } catch (error) {
      log('warn', 'payment_intent_cancel_failed', {
        requestId: ctx.requestId,
        orderId,
        paymentId: payment.id,
        error: String(error),
      });
    }
  }
}
