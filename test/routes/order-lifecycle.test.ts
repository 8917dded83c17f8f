import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { eventually, expectStockConsistent, order, pay, stockOf } from '../helpers/orders';
import { signUp, signUpAdmin } from '../helpers/users';

async function placed(stock = 5, quantity = 2) {
  const creator = await signUp('creator');
  const buyer = await signUp();
  const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 1200, stock }] });
  const res = await order(buyer.token, { items: [{ productId: product.id, quantity }] });
  expect(res.status).toBe(201);
  return { buyer, product, variantId: product.variantIds[0], orderId: res.json.id as string };
}

const get = (token: string, id: string) => call('GET', `/v1/orders/${id}`, { token });

async function payAndWait(token: string, orderId: string) {
  expect((await pay(token, orderId, { testOutcome: 'succeeded' })).status).toBe(201);
  return eventually(
    () => get(token, orderId),
    (r) => r.json.status === 'paid',
  );
}

describe('order state machine', () => {
  it('cancel releases the reservation; cancelling again is a 409', async () => {
    const { buyer, variantId, orderId } = await placed();
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 2 });
    const res = await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', cancelReason: 'cancelled_by_buyer', expiresAt: null });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    const again = expectProblem(await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token }), 409);
    // The order's state now, named in camelCase like every JSON member and declared on Problem.
    expect(again).toMatchObject({
      code: 'invalid_state',
      type: 'https://showroom.dev/problems/invalid-state',
      orderStatus: 'cancelled',
    });
    expect(again).not.toHaveProperty('status_now');
    const doc = (await call('GET', '/openapi.json')).json;
    expect(doc.components.schemas.Problem.properties.orderStatus).toBeDefined();
    // The document names the codes a client branches on, the kinds of 409 among them.
    expect(doc.components.schemas.Problem.properties.code.description).toContain(
      '409: already_exists, invalid_state, stock_reserved, concurrent_update, insufficient_stock, idempotency_in_progress',
    );
    expect(expectProblem(await pay(buyer.token, orderId), 409).code).toBe('invalid_state');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('an order of the most lines allowed (50 products) is placed, paid and recorded as 50 purchases', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const products = [];
    for (let i = 0; i < 50; i++) products.push(await insertProduct({ creatorId: creator.id }));
    const res = await order(buyer.token, { items: products.map((p) => ({ productId: p.id, quantity: 1 })) });
    expect(res.status).toBe(201);
    expect(res.json.items).toHaveLength(50);
    await payAndWait(buyer.token, res.json.id);
    const bought = await env.DB.prepare('select count(*) as n from purchases where order_id = ?')
      .bind(res.json.id)
      .first();
    expect(bought).toEqual({ n: 50 });
  });

  it('concurrent cancels release stock exactly once', async () => {
    const { buyer, variantId, orderId } = await placed(5, 3);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('payment turns the reservation into a sale; paid orders cannot be cancelled', async () => {
    const { buyer, variantId, orderId } = await placed();
    const paid = await payAndWait(buyer.token, orderId);
    expect(paid.json.paidAt).toBeTypeOf('string');
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
    expectProblem(await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token }), 409);
    expectProblem(await pay(buyer.token, orderId), 409);
    await expectStockConsistent(variantId, 5);
  });

  it('fulfil and refund are admin-only and follow the legal transitions', async () => {
    const admin = await signUpAdmin();
    const { buyer, variantId, orderId } = await placed();
    expectProblem(await call('POST', `/v1/orders/${orderId}/fulfill`, { token: admin.token }), 409);
    expectProblem(await call('POST', `/v1/orders/${orderId}/refund`, { token: admin.token }), 409);
    await payAndWait(buyer.token, orderId);
    expectProblem(await call('POST', `/v1/orders/${orderId}/fulfill`, { token: buyer.token }), 403);
    const fulfilled = await call('POST', `/v1/orders/${orderId}/fulfill`, { token: admin.token });
    expect(fulfilled.json.status).toBe('fulfilled');
    const refunded = await call('POST', `/v1/orders/${orderId}/refund`, { token: admin.token });
    expect(refunded.json.status).toBe('refunded');
    // Shipped goods do not return to stock on refund.
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
    const again = await call('POST', `/v1/orders/${orderId}/refund`, { token: admin.token });
    expect(expectProblem(again, 409)).toMatchObject({ code: 'invalid_state', orderStatus: 'refunded' });
    expectProblem(await call('POST', `/v1/orders/${orderId}/fulfill`, { token: admin.token }), 409);
  });

  it('refunding a paid, unshipped order returns its units to stock', async () => {
    const admin = await signUpAdmin();
    const { buyer, variantId, orderId } = await placed();
    await payAndWait(buyer.token, orderId);
    const refunded = await call('POST', `/v1/orders/${orderId}/refund`, { token: admin.token });
    expect(refunded.json.status).toBe('refunded');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it("an admin refund marks the payment refunded at once, not only when the provider's webhook comes", async () => {
    const admin = await signUpAdmin();
    const { buyer, orderId } = await placed();
    await payAndWait(buyer.token, orderId);
    // A deployment whose webhook refuses the test provider's signature: the refund's webhook never lands.
    const webhookNeverLands = { ...env, PAYMENT_PROVIDER: 'stripe', STRIPE_WEBHOOK_SECRET: 'whsec_someone_else' };
    const ctx = createExecutionContext();
    const request = new Request<unknown, IncomingRequestCfProperties>(
      `http://showroom.test/v1/orders/${orderId}/refund`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}` },
      },
    );
    const res = await worker.fetch(request, webhookNeverLands, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    const row = (sql: string) => env.DB.prepare(sql).bind(orderId).first();
    expect(await row("select count(*) as n from payment_events where order_id = ? and type = 'refunded'")).toEqual({
      n: 0,
    });
    expect(await row('select status from payments where order_id = ?')).toEqual({ status: 'refunded' });
  });
});

describe('expiry of unpaid orders', () => {
  const expire = (orderId: string) =>
    env.DB.prepare('update orders set expires_at = ? where id = ?')
      .bind(Date.now() - 1000, orderId)
      .run();

  it('expires lazily when read, releasing stock', async () => {
    const { buyer, variantId, orderId } = await placed();
    await expire(orderId);
    const res = await get(buyer.token, orderId);
    expect(res.json).toMatchObject({ status: 'cancelled', cancelReason: 'expired' });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    const list = await call('GET', '/v1/orders', { token: buyer.token });
    expect(list.json.data[0].status).toBe('cancelled');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('expires in the cron handler', async () => {
    const { variantId, orderId } = await placed();
    const { variantId: keptVariant } = await placed();
    await expire(orderId);
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const row = await env.DB.prepare('select status, cancel_reason from orders where id = ?').bind(orderId).first();
    expect(row).toEqual({ status: 'cancelled', cancel_reason: 'expired' });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(keptVariant)).toEqual({ onHand: 5, reserved: 2 });
  });

  it('expiry by cron cancels the open payment intent', async () => {
    const { buyer, orderId } = await placed();
    const intent = await pay(buyer.token, orderId, { testOutcome: 'none' });
    await expire(orderId);
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const row = await env.DB.prepare('select status from payments where provider_ref = ?').bind(intent.json.id).first();
    expect(row).toEqual({ status: 'canceled' });
  });

  it('a payment that lands after the window but before expiry ran still sells the units', async () => {
    const { buyer, variantId, orderId } = await placed();
    const intent = await pay(buyer.token, orderId, { testOutcome: 'succeeded', testDelayMs: 50 });
    expect(intent.status).toBe(201);
    await expire(orderId);
    const final = await eventually(
      () => env.DB.prepare('select status from orders where id = ?').bind(orderId).first<{ status: string }>(),
      () => true,
    );
    // Whichever came first (expiry on read or the webhook), stock adds up.
    expect(['paid', 'cancelled', 'pending_payment']).toContain(final?.status);
    await new Promise((r) => setTimeout(r, 200));
    await get(buyer.token, orderId);
    await expectStockConsistent(variantId, 5);
  });
});
