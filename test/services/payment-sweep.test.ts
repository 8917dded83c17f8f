import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { testEventPayload } from '../../src/services/payments/test-provider';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { order, pay, postWebhook, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

const MINUTE = 60_000;

/** What the Worker leaves when it stops after recording a success and before refunding it. */
const strandSuccess = (providerRef: string, updatedAt: number) =>
  env.DB.prepare("update payments set status = 'succeeded', updated_at = ? where provider_ref = ?")
    .bind(updatedAt, providerRef)
    .run();

const paymentStatus = async (providerRef: string) =>
  (await env.DB.prepare('select status from payments where provider_ref = ?').bind(providerRef).first())?.status;
const orderStatus = async (orderId: string) =>
  (await env.DB.prepare('select status from orders where id = ?').bind(orderId).first())?.status;

async function placed(stock = 4) {
  const creator = await signUp('creator');
  const buyer = await signUp();
  const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 700, stock }] });
  const created = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] });
  const intent = await pay(buyer.token, created.json.id);
  const payment = { providerRef: intent.json.id as string, amount: 700, currency: 'USD', orderId: created.json.id };
  return { buyer, orderId: created.json.id as string, variantId: product.variantIds[0], payment };
}

describe('maintenance refunds payments their webhook left unrefunded', () => {
  it('a success stranded on a cancelled order: refunded once, the order refunded, no stock moved', async () => {
    const { buyer, orderId, variantId, payment } = await placed();
    await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token });
    const now = Date.now();
    await strandSuccess(payment.providerRef, now - 10 * MINUTE);

    expect((await runScheduledMaintenance(env, now)).refundedPayments).toBeGreaterThanOrEqual(1);
    expect(await paymentStatus(payment.providerRef)).toBe('refunded');
    expect(await orderStatus(orderId)).toBe('refunded');
    expect(await stockOf(variantId)).toEqual({ onHand: 4, reserved: 0 });
    // A second sweep finds nothing of this order's left.
    await runScheduledMaintenance(env, now + MINUTE);
    expect(await orderStatus(orderId)).toBe('refunded');
  });

  it('of two successes for one paid order, the later is refunded and the order stays paid', async () => {
    const { buyer, orderId, variantId, payment: first } = await placed();
    await postWebhook(testEventPayload(first, 'failed'));
    const second = (await pay(buyer.token, orderId)).json.id as string;
    await postWebhook(testEventPayload(first, 'succeeded'));
    expect(await orderStatus(orderId)).toBe('paid');
    const now = Date.now();
    await env.DB.prepare('update payments set updated_at = ? where provider_ref = ?')
      .bind(now - 20 * MINUTE, first.providerRef)
      .run();
    await strandSuccess(second, now - 10 * MINUTE);

    await runScheduledMaintenance(env, now);
    expect(await paymentStatus(second)).toBe('refunded');
    expect(await paymentStatus(first.providerRef)).toBe('succeeded');
    expect(await orderStatus(orderId)).toBe('paid');
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('leaves a success younger than five minutes to its webhook', async () => {
    const { buyer, orderId, payment } = await placed();
    await call('POST', `/v1/orders/${orderId}/cancel`, { token: buyer.token });
    const now = Date.now();
    await strandSuccess(payment.providerRef, now - MINUTE);

    await runScheduledMaintenance(env, now);
    expect(await paymentStatus(payment.providerRef)).toBe('succeeded');
    expect(await orderStatus(orderId)).toBe('cancelled');
  });
});
