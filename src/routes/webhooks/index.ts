import { createRoute } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { createRouter, jsonContent, problems } from '../../lib/openapi';
import { WebhookAck } from '../../schemas/orders';
import { paymentProvider } from '../../services/payments';
import { applyPaymentEvent } from '../../services/payments/events';

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
  const provider = paymentProvider(c.env);
  const event = await provider.verifyWebhook(await c.req.text(), c.req.header('Stripe-Signature'));
  const outcome = await applyPaymentEvent(createDb(c.env.DB), provider.name, event, {
    env: c.env,
    requestId: c.get('requestId'),
  });
  return c.json({ received: true as const, duplicate: outcome === 'duplicate' }, 200);
});
