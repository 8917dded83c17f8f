// A payment intent created before a creator erased their account can still be confirmed from the buyer's app,
// when the erasure did not cancel its order (written while the erasure ran). Its success must not mark the order
// paid (nobody would ship the goods): the payment is refunded once and the order cancelled, its reserved units
// released without putting the erased creator's products back on sale.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { ApiError } from '../../src/lib/errors';
import { applyPaymentEvent } from '../../src/services/payments/events';
import type { PaymentProvider, PaymentRef } from '../../src/services/payments/provider';
import { signStripePayload } from '../../src/services/payments/signature';
import { verifyStripeEvent } from '../../src/services/payments/stripe-events';
import { testEventPayload, testProvider } from '../../src/services/payments/test-provider';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { eventually, order, pay, postWebhook, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

const count = async (sql: string, ...binds: string[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...binds)
      .first<{ n: number }>()
  )?.n ?? 0;
const refundEvents = (orderId: string) =>
  count("select count(*) as n from payment_events where order_id = ? and type = 'refunded'", orderId);
const paymentStatus = async (providerRef: string) =>
  (await env.DB.prepare('select status from payments where provider_ref = ?').bind(providerRef).first())?.status;
const inStock = async (productId: string) => (await call('GET', `/v1/products/${productId}`)).json.inStock;

/**
 * The erasure cancels unpaid orders of the creator's products with their intents (privacy/catalog.ts). An order
 * it did not see (written while it ran) stays unpaid with a live intent: this puts that state back, as the
 * erasure would have left it (the units reserved; the erased creator's on hand withdrawn down to them).
 */
async function asIfTheErasureMissedIt(
  orderId: string,
  items: { quantity: number }[],
  goneVariant: string,
  keptVariant: string,
) {
  const [goneUnits, keptUnits] = items.map((i) => i.quantity);
  await env.DB.batch([
    env.DB.prepare("update orders set status = 'pending_payment', cancel_reason = null where id = ?").bind(orderId),
    env.DB.prepare("update payments set status = 'requires_payment' where order_id = ?").bind(orderId),
    env.DB.prepare('update variants set stock_on_hand = ?, stock_reserved = ? where id = ?').bind(
      goneUnits,
      goneUnits,
      goneVariant,
    ),
    env.DB.prepare('update variants set stock_reserved = stock_reserved + ? where id = ?').bind(keptUnits, keptVariant),
  ]);
}

/** Cara's product and Dan's in one unpaid order with an open intent; then Cara erases her account. */
async function orderThenErasure() {
  const cara = await signUp('creator');
  const dan = await signUp('creator');
  const buyer = await signUp();
  const gone = await insertProduct({ creatorId: cara.id, variants: [{ price: 1000, stock: 5 }] });
  const kept = await insertProduct({ creatorId: dan.id, variants: [{ price: 700, stock: 5 }] });
  const items = [
    { productId: gone.id, quantity: 2 },
    { productId: kept.id, quantity: 1 },
  ];
  const placed = await order(buyer.token, { items });
  const intent = await pay(buyer.token, placed.json.id, { testOutcome: 'none' });
  expect(intent.status).toBe(201);
  expect((await call('DELETE', '/v1/me', { token: cara.token })).status).toBe(204);
  const orderId: string = placed.json.id;
  await asIfTheErasureMissedIt(orderId, items, gone.variantIds[0], kept.variantIds[0]);
  const payment = { providerRef: intent.json.id as string, amount: 2700, currency: 'USD', orderId };
  return { buyer, dan, gone, kept, orderId, payment };
}

describe("a success webhook for an order with an erased creator's product", () => {
  it('refunds the payment once, even delivered twice concurrently, and cancels the order', async () => {
    const { buyer, gone, kept, orderId, payment } = await orderThenErasure();
    const success = testEventPayload(payment, 'succeeded');

    const results = await Promise.all([postWebhook(success), postWebhook(success)]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(results.filter((r) => r.json.duplicate === false)).toHaveLength(1);
    expect((await postWebhook(success)).json.duplicate).toBe(true);

    const seen = await call('GET', `/v1/orders/${orderId}`, { token: buyer.token });
    expect(seen.json).toMatchObject({ status: 'refunded', cancelReason: 'seller_erased', paidAt: null });
    expect(await paymentStatus(payment.providerRef)).toBe('refunded');
    // The test provider confirms each refund with a charge.refunded webhook: exactly one arrives.
    await eventually(
      () => refundEvents(orderId),
      (n) => n >= 1,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(await refundEvents(orderId)).toBe(1);

    // Reservations released; the erased creator's units stay off sale, the other creator's are back.
    expect(await stockOf(gone.variantIds[0])).toEqual({ onHand: 2, reserved: 0 });
    expect(await stockOf(kept.variantIds[0])).toEqual({ onHand: 5, reserved: 0 });
    expect(await inStock(gone.id)).toBe(false);
    expect(await inStock(kept.id)).toBe(true);
    expectProblem(await order(buyer.token, { items: [{ productId: gone.id, quantity: 1 }] }), 422);
  });

  it("leaves other orders alone: the other creator's order is paid as before", async () => {
    const { buyer, kept } = await orderThenErasure();
    const placed = await order(buyer.token, { items: [{ productId: kept.id, quantity: 1 }] });
    const intent = await pay(buyer.token, placed.json.id, { testOutcome: 'none' });
    const payment = { providerRef: intent.json.id, amount: 700, currency: 'USD', orderId: placed.json.id };
    expect((await postWebhook(testEventPayload(payment, 'succeeded'))).status).toBe(200);
    const seen = await call('GET', `/v1/orders/${placed.json.id}`, { token: buyer.token });
    expect(seen.json).toMatchObject({ status: 'paid', cancelReason: null });
    expect(await paymentStatus(payment.providerRef)).toBe('succeeded');
    // 1 sold from 5; the erased order's 1 unit is still reserved (its webhook never came).
    expect(await stockOf(kept.variantIds[0])).toEqual({ onHand: 4, reserved: 1 });
  });

  it('answers 503 when the refund fails, with the order already cancelled; the redelivery refunds once', async () => {
    const { gone, orderId, payment } = await orderThenErasure();
    const refunds: PaymentRef[] = [];
    let down = true;
    const provider: PaymentProvider = {
      ...testProvider(env),
      async refund(p) {
        if (down) throw new ApiError('unavailable', 'The payment provider could not be reached');
        refunds.push(p);
      },
    };
    const payload = testEventPayload(payment, 'succeeded');
    const secret = env.TEST_PAYMENT_WEBHOOK_SECRET;
    const event = await verifyStripeEvent(payload, await signStripePayload(payload, secret), secret);
    const db = createDb(env.DB);
    const ctx = { env, requestId: 'test' };
    const row = () => env.DB.prepare('select status, cancel_reason as reason from orders where id = ?').bind(orderId);

    await expect(applyPaymentEvent(db, provider, event, ctx)).rejects.toMatchObject({ status: 503 });
    expect(await row().first()).toEqual({ status: 'cancelled', reason: 'seller_erased' });
    expect(await stockOf(gone.variantIds[0])).toEqual({ onHand: 2, reserved: 0 });

    down = false;
    expect(await applyPaymentEvent(db, provider, event, ctx)).toBe('applied');
    expect(await applyPaymentEvent(db, provider, event, ctx)).toBe('duplicate');
    expect(refunds.map((r) => r.providerRef)).toEqual([payment.providerRef]);
    expect(await row().first()).toEqual({ status: 'refunded', reason: 'seller_erased' });
    expect(await stockOf(gone.variantIds[0])).toEqual({ onHand: 2, reserved: 0 });
  });
});
