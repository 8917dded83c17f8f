/**
 * The built-in test provider for local development: no network, no account. A payment intent is
 * "confirmed" by the provider itself, which then delivers a Stripe-format webhook signed with
 * TEST_PAYMENT_WEBHOOK_SECRET to our own webhook handler after `testDelayMs` — succeeded, failed, or
 * (outcome `none`) never, to let an order sit unpaid until it expires. A refund is confirmed the same way
 * (a `charge.refunded` webhook). It keeps no state of its own: a cancelled intent is known by our payment
 * row, which is marked `canceled` only after `cancelIntent` returned, and is then never confirmed.
 */

import { eq } from 'drizzle-orm';
import { ulid } from 'ulidx';
import { createDb } from '../../db/client';
import { type PaymentRow, payments } from '../../db/schema';
import { log } from '../../lib/logger';
import type { DeliverWebhook, PaymentProvider } from './provider';
import { signStripePayload } from './signature';
import { verifyStripeEvent } from './stripe-events';

/** @param deliver sends the simulated webhooks; without it (cron) refunds are not confirmed by webhook. */
export function testProvider(env: Env, deliver?: DeliverWebhook): PaymentProvider {
  return {
    name: 'test',
    async createIntent() {
      const ref = `pi_test_${ulid().toLowerCase()}`;
      return { providerRef: ref, clientSecret: `${ref}_secret_${crypto.randomUUID().replaceAll('-', '')}` };
    },
    async refund(payment) {
      log('info', 'test_payment_refunded', { paymentId: payment.id, orderId: payment.orderId });
      deliver?.(testEventPayload(payment, 'refunded'));
    },
    async cancelIntent(payment, reason) {
      log('info', 'test_payment_intent_canceled', { paymentId: payment.id, reason });
    },
    verifyWebhook: (rawBody, header) => verifyStripeEvent(rawBody, header, env.TEST_PAYMENT_WEBHOOK_SECRET),
  };
}

export type TestOutcome = 'succeeded' | 'failed' | 'refunded';

/** A Stripe-shaped event body for a payment, as the test provider (and tests) send it. */
export function testEventPayload(
  payment: Pick<PaymentRow, 'providerRef' | 'amount' | 'currency' | 'orderId'>,
  outcome: TestOutcome,
) {
  const created = Math.floor(Date.now() / 1000);
  const id = `evt_test_${ulid().toLowerCase()}`;
  const currency = payment.currency.toLowerCase();
  if (outcome === 'refunded') {
    const charge = {
      id: `ch_test_${ulid().toLowerCase()}`,
      object: 'charge',
      payment_intent: payment.providerRef,
      amount: payment.amount,
      amount_refunded: payment.amount,
      refunded: true,
      currency,
    };
    return JSON.stringify({ id, object: 'event', type: 'charge.refunded', created, data: { object: charge } });
  }
  const intent = {
    id: payment.providerRef,
    object: 'payment_intent',
    amount: payment.amount,
    amount_received: outcome === 'succeeded' ? payment.amount : 0,
    currency,
    status: outcome === 'succeeded' ? 'succeeded' : 'requires_payment_method',
    metadata: { orderId: payment.orderId },
  };
  const type = outcome === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed';
  return JSON.stringify({ id, object: 'event', type, created, data: { object: intent } });
}

/**
 * The buyer confirming a test intent: after `delayMs` the outcome's webhook is sent, unless the intent
 * was cancelled meanwhile (Stripe refuses to confirm a canceled PaymentIntent).
 */
export async function confirmTestIntent(
  env: Env,
  payment: PaymentRow,
  outcome: 'succeeded' | 'failed',
  delayMs: number,
  dispatch: (request: Request) => Promise<Response>,
): Promise<void> {
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const now = await createDb(env.DB)
    .select({ status: payments.status })
    .from(payments)
    .where(eq(payments.id, payment.id))
    .get();
  if (now?.status === 'canceled') {
    log('info', 'test_payment_confirmation_refused', { paymentId: payment.id, reason: 'intent canceled' });
    return;
  }
  await deliverTestWebhook(env, testEventPayload(payment, outcome), 0, dispatch);
}

/** Sends the signed event to `dispatch` (our webhook route) after `delayMs`, off the response path. */
export async function deliverTestWebhook(
  env: Env,
  payload: string,
  delayMs: number,
  dispatch: (request: Request) => Promise<Response>,
): Promise<void> {
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  const secret = env.TEST_PAYMENT_WEBHOOK_SECRET ?? '';
  const request = new Request('http://internal/v1/webhooks/payments', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': await signStripePayload(payload, secret) },
    body: payload,
  });
  const res = await dispatch(request);
  log(res.ok ? 'info' : 'warn', 'test_payment_webhook_delivered', { status: res.status });
}
