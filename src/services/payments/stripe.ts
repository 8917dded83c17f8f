/** Stripe PaymentIntents over fetch (see stripe-api.ts for why not the official package at runtime). */
import { ApiError } from '../../lib/errors';
import type { PaymentProvider, PaymentSecrets } from './provider';
import { stripeApi } from './stripe-api';
import { verifyStripeEvent } from './stripe-events';

export function stripeProvider(env: Env & PaymentSecrets, fetcher: typeof fetch = fetch): PaymentProvider {
  const api = () => {
    if (!env.STRIPE_SECRET_KEY) throw new ApiError('unavailable', 'STRIPE_SECRET_KEY is not configured');
    return stripeApi(env.STRIPE_SECRET_KEY, fetcher);
  };
  return {
    name: 'stripe',
    async createIntent({ paymentId, orderId, amount, currency }) {
      const intent = await api().post<{ id: string; client_secret: string | null }>(
        '/payment_intents',
        {
          amount,
          currency: currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          metadata: { orderId, paymentId },
        },
        // Our payment id is unique per attempt, so a retried call never creates a second intent.
        `showroom-${paymentId}`,
      );
      if (!intent.client_secret) throw new ApiError('unavailable', 'Stripe returned no client secret');
      return { providerRef: intent.id, clientSecret: intent.client_secret };
    },
    async refund({ providerRef }) {
      // Keyed by the intent: any webhook redelivery or retry asking again gets the same refund back.
      await api().post('/refunds', { payment_intent: providerRef }, `showroom-refund-${providerRef}`);
    },
    async cancelIntent({ providerRef }, reason) {
      await api().post(
        `/payment_intents/${encodeURIComponent(providerRef)}/cancel`,
        { cancellation_reason: reason },
        `showroom-cancel-${providerRef}`,
      );
    },
    verifyWebhook: (rawBody, header) => verifyStripeEvent(rawBody, header, env.STRIPE_WEBHOOK_SECRET),
  };
}
