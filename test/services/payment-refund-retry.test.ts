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
import { call } from '../helpers/http';
import { order, pay, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

describe('refunding a payment for a cancelled order when the provider fails', () => {
  it('answers 503 and forgets the event, so the redelivery refunds once', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 900, stock: 3 }] });
    const placed = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] });
    const intent = await pay(buyer.token, placed.json.id, { testOutcome: 'none' });
    await call('POST', `/v1/orders/${placed.json.id}/cancel`, { token: buyer.token });

    const refunds: PaymentRef[] = [];
    let down = true;
    const provider: PaymentProvider = {
      ...testProvider(env),
      async refund(payment) {
        if (down) throw new ApiError('unavailable', 'The payment provider could not be reached');
        refunds.push(payment);
      },
    };
    const payment = { providerRef: intent.json.id, amount: 900, currency: 'USD', orderId: placed.json.id };
    const payload = testEventPayload(payment, 'succeeded');
    const event = await verifyStripeEvent(
      payload,
      await signStripePayload(payload, env.TEST_PAYMENT_WEBHOOK_SECRET),
      env.TEST_PAYMENT_WEBHOOK_SECRET,
    );
    const db = createDb(env.DB);
    const ctx = { env, requestId: 'test' };

    await expect(applyPaymentEvent(db, provider, event, ctx)).rejects.toMatchObject({ status: 503 });
    const status = () => env.DB.prepare('select status from orders where id = ?').bind(placed.json.id).first();
    expect(await status()).toEqual({ status: 'cancelled' });

    down = false;
    expect(await applyPaymentEvent(db, provider, event, ctx)).toBe('applied');
    expect(await applyPaymentEvent(db, provider, event, ctx)).toBe('duplicate');
    expect(refunds.map((r) => r.providerRef)).toEqual([intent.json.id]);
    expect(await status()).toEqual({ status: 'refunded' });
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 3, reserved: 0 });
  });
});
