/**
 * Verifying and reading Stripe-format webhook events (the test provider speaks the same format).
 * The scheme: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, several v1 allowed
 * during secret rotation (https://docs.stripe.com/webhooks#verify-manually). Tests check it against the
 * official package's verifier.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from '../../lib/errors';
import type { PaymentEvent } from './provider';
import { signStripePayload } from './signature';

/** Stripe's default: signatures older than five minutes are refused (replay protection). */
const TOLERANCE_SECONDS = 300;

/**
 * What every event has. Only this is checked for types we ignore, so a new Stripe event type (or a field
 * Stripe changes there) is still acknowledged instead of being redelivered for days.
 */
const StripeEvent = z.object({
  id: z.string().min(1),
  type: z.string(),
  data: z.object({ object: z.looseObject({}) }),
});
type StripeEvent = z.infer<typeof StripeEvent>;

const amount = z.number().int().nonnegative().nullish();

/** The fields of the objects we act on; a signed event of these types that does not match is a 400. */
const PaymentIntentObject = z.object({
  id: z.string().min(1),
  amount,
  amount_received: amount,
  currency: z.string().nullish(),
});
const ChargeObject = z.object({
  amount_refunded: amount,
  currency: z.string().nullish(),
  refunded: z.boolean().nullish(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullish(),
});

const malformed = () => new ApiError('bad_request', 'The webhook event does not have the shape of a Stripe event');

/** Parses `value` with `schema`, answering 400 (never a crash further on) when a signed event is malformed. */
function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformed();
  return parsed.data;
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
  if (!(await verifySignature(rawBody, header, secret, Math.floor(Date.now() / 1000)))) {
    throw new ApiError('bad_request', 'Webhook signature verification failed');
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw malformed();
  }
  return toPaymentEvent(parseOr400(StripeEvent, body));
}

function toPaymentEvent(event: StripeEvent): PaymentEvent {
  const base = { id: event.id, providerRef: null, amount: null, currency: null };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = parseOr400(PaymentIntentObject, event.data.object);
      return {
        id: event.id,
        kind: event.type === 'payment_intent.succeeded' ? 'succeeded' : 'failed',
        providerRef: intent.id,
        amount:
          (event.type === 'payment_intent.succeeded' ? intent.amount_received || intent.amount : intent.amount) ?? null,
        currency: intent.currency?.toUpperCase() ?? null,
      };
    }
    case 'charge.refunded': {
      const charge = parseOr400(ChargeObject, event.data.object);
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
