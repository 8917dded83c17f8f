/** Helpers for order, payment and stock tests: calls with idempotency keys, D1 stock reads, signed webhooks. */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { signStripePayload } from '../../src/services/payments/signature';
import { call } from './http';
import { signUp } from './users';

export function order(token: string, body: unknown, key: string = crypto.randomUUID()) {
  return call('POST', '/v1/orders', { token, body, headers: { 'idempotency-key': key } });
}

export function pay(
  token: string,
  orderId: string,
  body: unknown = { testOutcome: 'none' },
  key = crypto.randomUUID(),
) {
  return call('POST', `/v1/orders/${orderId}/payment`, { token, body, headers: { 'idempotency-key': key } });
}

/** Units on hand and reserved for a variant, read straight from D1. */
export async function stockOf(variantId: string) {
  const row = await env.DB.prepare(
    'select stock_on_hand as onHand, stock_reserved as reserved from variants where id = ?',
  )
    .bind(variantId)
    .first<{ onHand: number; reserved: number }>();
  if (!row) throw new Error(`no variant ${variantId}`);
  return row;
}

/** Sum of units in orders by status for a variant, straight from D1. */
export async function unitsByStatus(variantId: string) {
  const { results } = await env.DB.prepare(
    `select o.status as status, sum(i.quantity) as units from order_items i join orders o on o.id = i.order_id
     where i.variant_id = ? group by o.status`,
  )
    .bind(variantId)
    .all<{ status: string; units: number }>();
  return Object.fromEntries(results.map((r) => [r.status, r.units])) as Record<string, number>;
}

/**
 * The invariant every race test checks: stock never negative, reservations never above on hand, and
 * exactly the units of pending orders reserved and of paid orders sold (the "never counted twice" part).
 */
export async function expectStockConsistent(variantId: string, initialOnHand: number, heldUnits = 0) {
  const stock = await stockOf(variantId);
  const units = await unitsByStatus(variantId);
  expect(stock.reserved).toBeGreaterThanOrEqual(0);
  expect(stock.reserved).toBeLessThanOrEqual(stock.onHand);
  expect(stock.reserved).toBe((units.pending_payment ?? 0) + heldUnits);
  expect(stock.onHand).toBe(initialOnHand - (units.paid ?? 0) - (units.fulfilled ?? 0));
  return { stock, units };
}

export async function buyers(count: number) {
  return Promise.all(Array.from({ length: count }, () => signUp()));
}

/** Posts a Stripe-format event to the webhook, signed locally with `secret`. */
export async function postWebhook(payload: string, secret = env.TEST_PAYMENT_WEBHOOK_SECRET, timestamp?: number) {
  const signature = await signStripePayload(payload, secret, timestamp);
  return call('POST', '/v1/webhooks/payments', { body: payload, headers: { 'stripe-signature': signature } });
}

/** Polls until `check` holds (for work the Worker finishes after responding, e.g. test-provider webhooks). */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 5000) {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
