/**
 * Verifying and reading Stripe-format webhook events (the test provider speaks the same format).
 * The scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, several v1 allowed
 * during secret rotation (https://docs.stripe.com/webhooks#verify-manually). Tests check it against the
 * official package's verifier.
 */
import { ApiError } from '../../lib/errors';
import type { PaymentEvent } from './provider';
import { signStripePayload } from './signature';

/** Stripe's default: signatures older than five minutes are refused (replay protection). */
const TOLERANCE_SECONDS = 300;

/** The fields of Stripe's event objects that we read. */
interface StripeEvent {
  id: string;
  type: string;
  data: {
    object: {
      id?: string;
      amount?: number;
      amount_received?: number;
      amount_refunded?: number;
      currency?: string;
      refunded?: boolean;
      payment_intent?: string | { id: string } | null;
    };
  };
}

function timingSafeEqualText(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  return left.length === right.length && crypto.subtle.timingSafeEqual(left, right);
}

async function verifySignature(rawBody: string, header: string, secret: string, now: number): Promise<boolean> {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isInteger(timestamp) || signatures.length === 0) return false;
  if (Math.abs(now - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = (await signStripePayload(rawBody, secret, timestamp)).split(',v1=')[1];
  return signatures.some((signature) => timingSafeEqualText(signature, expected));
}

export async function verifyStripeEvent(
  rawBody: string,
  header: string | undefined,
  secret: string | undefined,
): Promise<PaymentEvent> {
  if (!secret) throw new ApiError('unavailable', 'The payment webhook secret is not configured');
  if (!header) throw new ApiError('bad_request', 'Missing Stripe-Signature header');
  let event: StripeEvent;
  try {
    if (!(await verifySignature(rawBody, header, secret, Math.floor(Date.now() / 1000)))) throw new Error('signature');
    event = JSON.parse(rawBody) as StripeEvent;
    if (typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.data?.object !== 'object') {
      throw new Error('shape');
    }
  } catch {
    throw new ApiError('bad_request', 'Webhook signature verification failed');
  }
  return toPaymentEvent(event);
}

function toPaymentEvent(event: StripeEvent): PaymentEvent {
  const base = { id: event.id, providerRef: null, amount: null, currency: null };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      return {
        id: event.id,
        kind: event.type === 'payment_intent.succeeded' ? 'succeeded' : 'failed',
        providerRef: intent.id ?? null,
        amount:
          (event.type === 'payment_intent.succeeded' ? intent.amount_received || intent.amount : intent.amount) ?? null,
        currency: intent.currency?.toUpperCase() ?? null,
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
        amount: charge.amount_refunded ?? null,
        currency: charge.currency?.toUpperCase() ?? null,
      };
    }
    default:
      return { ...base, kind: 'ignored' };
  }
}
