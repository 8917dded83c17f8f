/**
 * The payment provider interface. Two implementations: Stripe (PaymentIntents) and a built-in test
 * provider for local development. Both speak Stripe's webhook format and signature scheme, so one
 * verifier and one event handler serve both. Chosen by PAYMENT_PROVIDER (`test` | `stripe`).
 */
import type { PaymentRow } from '../../db/schema';
import { ApiError } from '../../lib/errors';

export type ProviderName = 'test' | 'stripe';

export interface IntentRequest {
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
}

export interface CreatedIntent {
  providerRef: string;
  clientSecret: string;
}

export type PaymentRef = Pick<PaymentRow, 'id' | 'orderId' | 'providerRef' | 'amount' | 'currency'>;

/** Stripe's `cancellation_reason` values we use: the buyer cancelled, or the payment window ran out. */
export type CancelReason = 'requested_by_customer' | 'abandoned';

/** How the test provider sends its simulated webhooks (the route wires it to our webhook handler). */
export type DeliverWebhook = (payload: string, delayMs?: number) => void;

/** A verified provider event, reduced to what an order cares about. */
export interface PaymentEvent {
  id: string;
  kind: 'succeeded' | 'failed' | 'refunded' | 'ignored';
  providerRef: string | null;
  amount: number | null;
  currency: string | null;
}

export interface PaymentProvider {
  name: ProviderName;
  createIntent(request: IntentRequest): Promise<CreatedIntent>;
  /** Refunds the whole payment; idempotent per payment (a retry never refunds twice). */
  refund(payment: PaymentRef): Promise<void>;
  /** Cancels an intent that was not paid, so it can no longer be paid. Throws if the provider refuses. */
  cancelIntent(payment: PaymentRef, reason: CancelReason): Promise<void>;
  /** Verifies the signature over the raw body and parses the event; a bad signature is a 400. */
  verifyWebhook(rawBody: string, signatureHeader: string | undefined): Promise<PaymentEvent>;
}

/** Optional secrets (set with `wrangler secret put`; absent locally), so they are not in wrangler.toml. */
export interface PaymentSecrets {
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
}

export function providerName(env: Env): ProviderName {
  const name = env.PAYMENT_PROVIDER ?? 'test';
  if (name !== 'test' && name !== 'stripe') throw new ApiError('unavailable', `Unknown PAYMENT_PROVIDER ${name}`);
  return name;
}
