import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createDb } from '../../db/client';
import type { AppEnv } from '../../lib/context';
import { createRouter, jsonContent, problems } from '../../lib/openapi';
import { WebhookAck } from '../../schemas/orders';
import { paymentProvider, providerFor } from '../../services/payments';
import { applyPaymentEvent } from '../../services/payments/events';
import type { DeliverWebhook } from '../../services/payments/provider';
import { deliverTestWebhook } from '../../services/payments/test-provider';

/** Hands the test provider's simulated webhooks to this router after the response (like Stripe would). */
export function testWebhookDelivery(c: Context<AppEnv>): DeliverWebhook {
  const dispatch = (request: Request) => Promise.resolve(webhooksRouter.fetch(request, c.env, c.executionCtx));
  return (payload, delayMs = 0) => c.executionCtx.waitUntil(deliverTestWebhook(c.env, payload, delayMs, dispatch));
}

/** The provider that took a payment (`name`), or the configured one, able to send test webhooks. */
export function requestProvider(c: Context<AppEnv>, name?: string) {
  return name ? providerFor(c.env, name, testWebhookDelivery(c)) : paymentProvider(c.env, testWebhookDelivery(c));
}

export const receivePayment = createRoute({
  operationId: 'webhooks.payments',
  method: 'post',
  path: '/v1/webhooks/payments',
  tags: ['Payments'],
  summary: "The payment provider's webhook (Stripe-signed events; idempotent by event id)",
  description:
    "Verifies `Stripe-Signature` over the raw body with the configured provider's secret. Redelivered and out-of-order events are safe: each event id applies once and an order is marked paid at most once.",
  security: [],
  responses: { 200: jsonContent(WebhookAck, 'Event accepted (or already seen)'), ...problems(400, 413, 503) },
});

export const webhooksRouter = createRouter().openapi(receivePayment, async (c) => {
  const provider = requestProvider(c);
  const event = await provider.verifyWebhook(await c.req.text(), c.req.header('Stripe-Signature'));
  const outcome = await applyPaymentEvent(createDb(c.env.DB), provider, event, {
    env: c.env,
    requestId: c.get('requestId'),
  });
  return c.json({ received: true as const, duplicate: outcome === 'duplicate' }, 200);
});
