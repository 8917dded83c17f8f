/** Verifying and reading Stripe-format webhook events (Stripe's own package; the test provider reuses it). */
import Stripe from 'stripe';
import { ApiError } from '../../lib/errors';
import type { PaymentEvent } from './provider';

const crypto = Stripe.createSubtleCryptoProvider();
/** Stripe's default: signatures older than five minutes are refused (replay protection). */
const TOLERANCE_SECONDS = 300;

export async function verifyStripeEvent(
  rawBody: string,
  header: string | undefined,
  secret: string | undefined,
): Promise<PaymentEvent> {
  if (!secret) throw new ApiError('unavailable', 'The payment webhook secret is not configured');
  if (!header) throw new ApiError('bad_request', 'Missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = await Stripe.webhooks.constructEventAsync(rawBody, header, secret, TOLERANCE_SECONDS, crypto);
  } catch {
    throw new ApiError('bad_request', 'Webhook signature verification failed');
  }
  return toPaymentEvent(event);
}

function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const base = { id: event.id, providerRef: null, amount: null, currency: null };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      return {
        id: event.id,
        kind: event.type === 'payment_intent.succeeded' ? 'succeeded' : 'failed',
        providerRef: intent.id,
        amount: event.type === 'payment_intent.succeeded' ? intent.amount_received || intent.amount : intent.amount,
        currency: intent.currency.toUpperCase(),
      };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const ref =
        typeof charge.payment_intent === 'string' ? charge.payment_intent : (charge.payment_intent?.id ?? null);
      // Only a full refund refunds the order; partial refunds are bookkeeping outside the order state.
      if (!charge.refunded) return { ...base, kind: 'ignored' };
      return {
        id: event.id,
        kind: 'refunded',
        providerRef: ref,
        amount: charge.amount_refunded,
        currency: charge.currency.toUpperCase(),
      };
    }
    default:
      return { ...base, kind: 'ignored' };
  }
}
