import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { eventually, order, pay } from '../helpers/orders';
import { signUp, signUpAdmin } from '../helpers/users';

describe('share attribution end to end (real orders and payments)', () => {
  it('attributes a paid order carrying the share code; a refund takes it back', async () => {
    const creator = await signUp('creator');
    const sharer = await signUp();
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    const share = await call('POST', '/v1/shares', {
      token: sharer.token,
      body: { targetType: 'product', targetId: product.id, channel: 'whatsapp' },
    });
    const code = share.json.code as string;
    const opened = await SELF.fetch(`http://showroom.test/s/${code}`, { redirect: 'manual' });
    expect(opened.status).toBe(302);
    const placed = await order(buyer.token, { items: [{ productId: product.id, quantity: 2 }], shareCode: code });
    expect(placed.status).toBe(201);
    expect((await pay(buyer.token, placed.json.id, { testOutcome: 'succeeded' })).status).toBe(201);
    const stats = () => call('GET', `/v1/shares/${code}/stats`, { token: creator.token });
    const paid = await eventually(stats, (r) => r.json.orders === 1);
    expect(paid.json).toMatchObject({ clicks: 1, orders: 1, revenue: [{ amount: 3000, currency: 'USD' }] });
    // The purchase makes the buyer's review verified and shows on the card.
    const review = await call('POST', `/v1/products/${product.id}/reviews`, {
      token: buyer.token,
      body: { rating: 5 },
    });
    expect(review.json.verifiedPurchase).toBe(true);
    expect((await call('GET', `/v1/products/${product.id}`)).json.socialProof.purchasesLastHour).toBe(1);
    const admin = await signUpAdmin();
    expect((await call('POST', `/v1/orders/${placed.json.id}/refund`, { token: admin.token })).status).toBe(200);
    const refunded = await eventually(stats, (r) => r.json.orders === 0);
    expect(refunded.json.revenue).toEqual([]);
    expect((await call('GET', `/v1/products/${product.id}`)).json.socialProof.purchasesLastHour).toBe(0);
  });
});
