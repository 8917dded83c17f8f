/** Stripe PaymentIntents over fetch (the official package's fetch client: it runs on workerd). */
import Stripe from 'stripe';
import { ApiError } from '../../lib/errors';
import type { PaymentProvider, PaymentSecrets } from './provider';
import { verifyStripeEvent } from './stripe-events';

export function stripeProvider(env: Env & PaymentSecrets): PaymentProvider {
  const key = env.STRIPE_SECRET_KEY;
  const client = () => {
    if (!key) throw new ApiError('unavailable', 'STRIPE_SECRET_KEY is not configured');
    return new Stripe(key, { httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 2 });
  };
  return {
    name: 'stripe',
    async createIntent({ paymentId, orderId, amount, currency }) {
      const intent = await client().paymentIntents.create(
        {
          amount,
          currency: currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          metadata: { orderId, paymentId },
        },
        // Our payment id is unique per attempt, so a retried call never creates a second intent.
        { idempotencyKey: `showroom-${paymentId}` },
      );
      if (!intent.client_secret) throw new ApiError('unavailable', 'Stripe returned no client secret');
      return { providerRef: intent.id, clientSecret: intent.client_secret };
    },
    async refund(providerRef) {
      await client().refunds.create(
        { payment_intent: providerRef },
        { idempotencyKey: `showroom-refund-${providerRef}` },
      );
    },
    verifyWebhook: (rawBody, header) => verifyStripeEvent(rawBody, header, env.STRIPE_WEBHOOK_SECRET),
  };
}
