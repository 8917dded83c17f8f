import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { eventually, order, pay } from '../helpers/orders';
import { createPost, insertPaidOrder, shareOf } from '../helpers/social';
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

  it("credits only the shared product's lines: another creator's sale in the same basket is not the share's", async () => {
    const [creatorA, creatorB] = await Promise.all([signUp('creator'), signUp('creator')]);
    const [sharer, buyer] = await Promise.all([signUp(), signUp()]);
    const shared = await insertProduct({ creatorId: creatorA.id, variants: [{ price: 1500, stock: 10 }] });
    const other = await insertProduct({ creatorId: creatorB.id, variants: [{ price: 4000, stock: 10 }] });
    const code = await shareOf(sharer.token, 'product', shared.id);
    const paid = async (items: { productId: string; quantity: number }[]) => {
      const placed = await order(buyer.token, { items, shareCode: code });
      expect(placed.status).toBe(201);
      expect((await pay(buyer.token, placed.json.id, { testOutcome: 'succeeded' })).status).toBe(201);
      await eventually(
        () => call('GET', `/v1/orders/${placed.json.id}`, { token: buyer.token }),
        (r) => r.json.status === 'paid',
      );
    };
    // Only the other creator's product: nothing for the share.
    await paid([{ productId: other.id, quantity: 1 }]);
    // Both: the shared product's line only.
    await paid([
      { productId: shared.id, quantity: 2 },
      { productId: other.id, quantity: 1 },
    ]);
    for (const token of [sharer.token, creatorA.token]) {
      const stats = await eventually(
        () => call('GET', `/v1/shares/${code}/stats`, { token }),
        (r) => r.json.orders > 0,
      );
      expect(stats.json).toMatchObject({ orders: 1, revenue: [{ amount: 3000, currency: 'USD' }] });
    }
  });

  it.each([
    [
      'post',
      async (creator: Awaited<ReturnType<typeof signUp>>, productId: string) => {
        return (await createPost(creator.token, { productIds: [productId] })).id;
      },
    ],
    [
      'video',
      async (creator: Awaited<ReturnType<typeof signUp>>, productId: string) => {
        const res = await call('POST', '/v1/videos', {
          token: creator.token,
          body: {
            title: 'Lookbook',
            url: 'https://videos.test/1.mp4',
            productTags: [{ productId, startMs: 0, endMs: 5000 }],
          },
        });
        expect(res.status).toBe(201);
        return res.json.id as string;
      },
    ],
  ] as const)('a %s share earns the lines of the products tagged in it', async (targetType, publish) => {
    const creator = await signUp('creator');
    const [sharer, buyer] = await Promise.all([signUp(), signUp()]);
    const tagged = await insertProduct({ creatorId: creator.id });
    const untagged = await insertProduct({ creatorId: (await signUp('creator')).id });
    const code = await shareOf(sharer.token, targetType, await publish(creator, tagged.id));
    await insertPaidOrder(buyer.id, [{ productId: untagged.id, amount: 4000 }], { shareCode: code });
    await insertPaidOrder(
      buyer.id,
      [
        { productId: tagged.id, amount: 1500 },
        { productId: untagged.id, amount: 4000 },
      ],
      { shareCode: code },
    );
    const stats = await call('GET', `/v1/shares/${code}/stats`, { token: creator.token });
    expect(stats.json).toMatchObject({ orders: 1, revenue: [{ amount: 1500, currency: 'USD' }] });
  });

  it('a live session share earns the lines of the products the session shows', async () => {
    const show = await liveShow({ products: 2 });
    const [sharer, buyer] = await Promise.all([signUp(), signUp()]);
    const elsewhere = await insertProduct({ creatorId: show.host.id });
    const code = await shareOf(sharer.token, 'live', show.id);
    await insertPaidOrder(buyer.id, [{ productId: elsewhere.id, amount: 4000 }], { shareCode: code });
    await insertPaidOrder(
      buyer.id,
      [
        { productId: show.products[0].id, amount: 1500 },
        { productId: show.products[1].id, amount: 500 },
        { productId: elsewhere.id, amount: 4000 },
      ],
      { shareCode: code },
    );
    const stats = await call('GET', `/v1/shares/${code}/stats`, { token: show.host.token });
    expect(stats.json).toMatchObject({ orders: 1, revenue: [{ amount: 2000, currency: 'USD' }] });
  });

  it("credits nobody through an erased sharer's link, which still leads to what was shared", async () => {
    const creator = await signUp('creator');
    const [sharer, buyer] = await Promise.all([signUp(), signUp()]);
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    const code = await shareOf(sharer.token, 'product', product.id);
    // Placed with the code before the erasure, paid after it.
    const early = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }], shareCode: code });
    expect(early.json.shareCode).toBe(code);

    expect((await call('DELETE', '/v1/me', { token: sharer.token })).status).toBe(204);

    const opened = await SELF.fetch(`http://showroom.test/s/${code}`, { redirect: 'manual' });
    await opened.arrayBuffer();
    expect(opened.status).toBe(302);
    // To what was shared, without a code that would credit nobody.
    expect(opened.headers.get('location')).toBe(`http://localhost:3000/products/${product.id}`);
    const late = await order(buyer.token, { items: [{ productId: product.id, quantity: 2 }], shareCode: code });
    expect(late.json.shareCode).toBeNull();
    for (const placed of [early, late]) {
      expect((await pay(buyer.token, placed.json.id, { testOutcome: 'succeeded' })).status).toBe(201);
    }
    const recorded = () =>
      env.DB.prepare('select count(*) as n from purchases where order_id in (?, ?)')
        .bind(early.json.id, late.json.id)
        .first<{ n: number }>();
    await eventually(recorded, (row) => row?.n === 2);
    const stats = await call('GET', `/v1/shares/${code}/stats`, { token: creator.token });
    expect(stats.json).toMatchObject({ clicks: 0, orders: 0, revenue: [] });
  });
});
