import { env } from 'cloudflare:test';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signStripePayload } from '../../src/services/payments/signature';
import { testEventPayload } from '../../src/services/payments/test-provider';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { eventually, expectStockConsistent, order, pay, postWebhook, stockOf } from '../helpers/orders';
import { signUp, signUpAdmin } from '../helpers/users';

async function withIntent(stock = 5, quantity = 2) {
  const creator = await signUp('creator');
  const buyer = await signUp();
  const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 2500, stock }] });
  const placed = await order(buyer.token, { items: [{ productId: product.id, quantity }] });
  const intent = await pay(buyer.token, placed.json.id, { testOutcome: 'none' });
  expect(intent.status).toBe(201);
  const payment = { providerRef: intent.json.id, amount: 2500 * quantity, currency: 'USD', orderId: placed.json.id };
  return { buyer, variantId: product.variantIds[0], orderId: placed.json.id as string, intent: intent.json, payment };
}

const paymentStatus = async (providerRef: string) =>
  (
    await env.DB.prepare('select status from payments where provider_ref = ?')
      .bind(providerRef)
      .first<{ status: string }>()
  )?.status;

const eventsOf = async (orderId: string, type: string) =>
  (
    await env.DB.prepare('select count(*) as n from payment_events where order_id = ? and type = ?')
      .bind(orderId, type)
      .first<{ n: number }>()
  )?.n ?? 0;

const statusOf = async (orderId: string) =>
  (await env.DB.prepare('select status from orders where id = ?').bind(orderId).first<{ status: string }>())?.status;

describe('POST /v1/orders/{id}/payment', () => {
  it('creates a test-provider intent for the order total and returns the open one again', async () => {
    const { buyer, orderId, intent } = await withIntent();
    expect(intent).toMatchObject({
      provider: 'test',
      orderId,
      status: 'requires_payment',
      amount: { amount: 5000, currency: 'USD' },
    });
    expect(intent.id).toMatch(/^pi_test_/);
    expect(intent.clientSecret).toContain(`${intent.id}_secret_`);
    const again = await pay(buyer.token, orderId);
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(intent.id);
    const stranger = await signUp();
    expectProblem(await pay(stranger.token, orderId), 404);
    expectProblem(await pay(buyer.token, orderId, { testOutcome: 'maybe' }), 400);
    // An admin sees the order but does not pay for it: the intent's client secret is the buyer's alone.
    const admin = await signUpAdmin();
    expect((await call('GET', `/v1/orders/${orderId}`, { token: admin.token })).status).toBe(200);
    const refused = expectProblem(await pay(admin.token, orderId), 403);
    expect(refused.detail).toMatch(/buyer/);
  });

  it('test provider can fail: the order stays unpaid and a new attempt can succeed', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 100, stock: 3 }] });
    const { json } = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] });
    await pay(buyer.token, json.id, { testOutcome: 'failed' });
    const failed = await eventually(
      () => env.DB.prepare('select status from payments where order_id = ?').bind(json.id).first<{ status: string }>(),
      (row) => row?.status === 'failed',
    );
    expect(failed?.status).toBe('failed');
    expect(await statusOf(json.id)).toBe('pending_payment');
    const retry = await pay(buyer.token, json.id, { testOutcome: 'succeeded', testDelayMs: 20 });
    expect(retry.status).toBe(201);
    await eventually(
      () => statusOf(json.id),
      (s) => s === 'paid',
    );
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 2, reserved: 0 });
  });
});

describe('POST /v1/webhooks/payments', () => {
  it("signs with Stripe's scheme: Stripe's own verifier accepts our signature", async () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'ping', data: { object: {} } });
    const header = await signStripePayload(payload, 'whsec_abc');
    const event = await Stripe.webhooks.constructEventAsync(
      payload,
      header,
      'whsec_abc',
      300,
      Stripe.createSubtleCryptoProvider(),
    );
    expect(event.id).toBe('evt_1');
    const theirs = await Stripe.webhooks.generateTestHeaderStringAsync({
      payload,
      secret: 'whsec_abc',
      timestamp: 1_700_000_000,
    });
    expect(await signStripePayload(payload, 'whsec_abc', 1_700_000_000)).toBe(theirs);
  });

  it('refuses bad, missing and stale signatures', async () => {
    const { payment, orderId } = await withIntent();
    const payload = testEventPayload(payment, 'succeeded');
    expectProblem(await postWebhook(payload, 'whsec_wrong'), 400);
    expectProblem(await call('POST', '/v1/webhooks/payments', { body: payload }), 400);
    expectProblem(await postWebhook(payload, undefined, Math.floor(Date.now() / 1000) - 3600), 400);
    const tampered = await signStripePayload(payload, env.TEST_PAYMENT_WEBHOOK_SECRET);
    const res = await call('POST', '/v1/webhooks/payments', {
      body: payload.replace('"amount":5000', '"amount":1'),
      headers: { 'stripe-signature': tampered },
    });
    expectProblem(res, 400);
    expect(await statusOf(orderId)).toBe('pending_payment');
  });

  it('answers 400, not 500, to a signed event whose object is null or mistyped', async () => {
    const event = (type: string, object: unknown) =>
      JSON.stringify({ id: `evt_bad_${crypto.randomUUID()}`, object: 'event', type, data: { object } });
    for (const payload of [
      event('payment_intent.succeeded', null),
      event('payment_intent.payment_failed', null),
      event('charge.refunded', null),
      event('payment_intent.succeeded', { id: 12345, currency: 5 }),
      event('payment_intent.succeeded', { id: 'pi_x', amount_received: '5000', currency: 'usd' }),
      event('charge.refunded', { refunded: true, payment_intent: 7, currency: 'usd' }),
      event('customer.created', null),
      JSON.stringify({ id: 'evt_no_data', type: 'payment_intent.succeeded' }),
      '[]',
      'null',
    ]) {
      expect(expectProblem(await postWebhook(payload), 400).code).toBe('bad_request');
    }
    // Types we do not act on are acknowledged whatever their object holds.
    expect((await postWebhook(event('customer.created', { id: 5 }))).status).toBe(200);
  });

  it('applies an event once however often it is delivered, even concurrently', async () => {
    const { payment, orderId, variantId } = await withIntent();
    const payload = testEventPayload(payment, 'succeeded');
    const results = await Promise.all(Array.from({ length: 10 }, () => postWebhook(payload)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.json.duplicate === false)).toHaveLength(1);
    expect(await statusOf(orderId)).toBe('paid');
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
    // A different event for the same success (providers do send those) does not pay twice either.
    expect((await postWebhook(testEventPayload(payment, 'succeeded'))).status).toBe(200);
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
    await expectStockConsistent(variantId, 5);
  });

  it('tolerates reordering: a failure after success does not unpay', async () => {
    const { payment, orderId, variantId } = await withIntent();
    const succeeded = testEventPayload(payment, 'succeeded');
    const failed = testEventPayload(payment, 'failed');
    await postWebhook(succeeded);
    await postWebhook(failed);
    expect(await statusOf(orderId)).toBe('paid');
    const row = await env.DB.prepare('select status from payments where provider_ref = ?')
      .bind(payment.providerRef)
      .first();
    expect(row).toEqual({ status: 'succeeded' });
    await expectStockConsistent(variantId, 5);
  });

  it('tolerates reordering: success after a failure pays', async () => {
    const { payment, orderId } = await withIntent();
    await postWebhook(testEventPayload(payment, 'failed'));
    expect(await statusOf(orderId)).toBe('pending_payment');
    await postWebhook(testEventPayload(payment, 'succeeded'));
    expect(await statusOf(orderId)).toBe('paid');
  });

  it('a refund before the success it refunds never marks the order paid', async () => {
    const { payment, orderId, variantId } = await withIntent();
    await postWebhook(testEventPayload(payment, 'refunded'));
    await postWebhook(testEventPayload(payment, 'succeeded'));
    expect(await statusOf(orderId)).toBe('pending_payment');
    await expectStockConsistent(variantId, 5);
  });

  it('a refund event refunds a paid order and returns its units', async () => {
    const { payment, orderId, variantId } = await withIntent();
    await postWebhook(testEventPayload(payment, 'succeeded'));
    const refund = testEventPayload(payment, 'refunded');
    await postWebhook(refund);
    await postWebhook(refund);
    expect(await statusOf(orderId)).toBe('refunded');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('ignores a success whose amount does not match, and events for unknown intents', async () => {
    const { payment, orderId } = await withIntent();
    expect((await postWebhook(testEventPayload({ ...payment, amount: 1 }, 'succeeded'))).status).toBe(200);
    expect(await statusOf(orderId)).toBe('pending_payment');
    const unknown = await postWebhook(testEventPayload({ ...payment, providerRef: 'pi_test_unknown' }, 'succeeded'));
    expect(unknown.json).toEqual({ received: true, duplicate: false });
  });

  it('a success for an order cancelled meanwhile is refunded once, without resurrecting it or moving stock', async () => {
    const { buyer, payment, orderId, variantId } = await withIntent();
    await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token });
    const success = testEventPayload(payment, 'succeeded');
    const results = await Promise.all(Array.from({ length: 5 }, () => postWebhook(success)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await postWebhook(success)).json.duplicate).toBe(true);
    expect(await statusOf(orderId)).toBe('refunded');
    // The test provider confirms the refund with a charge.refunded webhook: exactly one arrives.
    const refunds = await eventually(
      () => eventsOf(orderId, 'refunded'),
      (n) => n >= 1,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(await eventsOf(orderId, 'refunded')).toBe(refunds);
    expect(refunds).toBe(1);
    expect(await paymentStatus(payment.providerRef)).toBe('refunded');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    await expectStockConsistent(variantId, 5);
  });

  it('a success for an expired order is refunded too', async () => {
    const { buyer, payment, orderId, variantId } = await withIntent();
    await env.DB.prepare('update orders set expires_at = ? where id = ?')
      .bind(Date.now() - 1000, orderId)
      .run();
    expect((await call('GET', `/v1/orders/${orderId}`, { token: buyer.token })).json.status).toBe('cancelled');
    await postWebhook(testEventPayload(payment, 'succeeded'));
    const order = await call('GET', `/v1/orders/${orderId}`, { token: buyer.token });
    expect(order.json).toMatchObject({ status: 'refunded', cancelReason: 'expired' });
    await eventually(
      () => paymentStatus(payment.providerRef),
      (s) => s === 'refunded',
    );
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('a second payment for an order already paid is refunded; the order keeps the first', async () => {
    const { buyer, payment: first, orderId, variantId } = await withIntent();
    await postWebhook(testEventPayload(first, 'failed'));
    const retry = await pay(buyer.token, orderId);
    expect(retry.status).toBe(201);
    const second = { ...first, providerRef: retry.json.id };
    // The first attempt went through late after all, then the second one too.
    await postWebhook(testEventPayload(first, 'succeeded'));
    expect(await statusOf(orderId)).toBe('paid');
    expect((await postWebhook(testEventPayload(second, 'succeeded'))).status).toBe(200);
    await eventually(
      () => eventsOf(orderId, 'refunded'),
      (n) => n >= 1,
    );
    expect(await paymentStatus(second.providerRef)).toBe('refunded');
    expect(await paymentStatus(first.providerRef)).toBe('succeeded');
    // The second payment's refund webhook came back and left the order paid, its units sold once.
    expect(await statusOf(orderId)).toBe('paid');
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
    await expectStockConsistent(variantId, 5);
  });
});

describe('cancelling an order cancels its payment intent', () => {
  it('an intent the buyer is still paying is cancelled: the late confirmation is refused', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 700, stock: 4 }] });
    const { json } = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] });
    const intent = await pay(buyer.token, json.id, { testOutcome: 'succeeded', testDelayMs: 300 });
    expect(intent.status).toBe(201);
    expect((await call('POST', `/v1/orders/${json.id}/cancel`, { token: buyer.token })).status).toBe(200);
    await eventually(
      () => paymentStatus(intent.json.id),
      (s) => s === 'canceled',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await paymentStatus(intent.json.id)).toBe('canceled');
    expect(await eventsOf(json.id, 'succeeded')).toBe(0);
    expect(await statusOf(json.id)).toBe('cancelled');
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 4, reserved: 0 });
  });
});
