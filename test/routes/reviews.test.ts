import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { insertPaidOrder } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('GET|POST /v1/products/{id}/reviews', () => {
  it('flags verified purchases from paid orders only, one review per user', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const buyer = await signUp();
    const browser = await signUp();
    await insertPaidOrder(buyer.id, [{ productId: product.id }]);
    const bought = await call('POST', `/v1/products/${product.id}/reviews`, {
      token: buyer.token,
      body: { rating: 5, text: 'Great', verifiedPurchase: false },
    });
    expectProblem(bought, 400); // the client cannot send the flag
    const ok = await call('POST', `/v1/products/${product.id}/reviews`, {
      token: buyer.token,
      body: { rating: 5, text: 'Great' },
    });
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ rating: 5, text: 'Great', verifiedPurchase: true, authorId: buyer.id });
    const other = await call('POST', `/v1/products/${product.id}/reviews`, {
      token: browser.token,
      body: { rating: 2 },
    });
    expect(other.json).toMatchObject({ rating: 2, text: null, verifiedPurchase: false });
    const twice = await call('POST', `/v1/products/${product.id}/reviews`, { token: buyer.token, body: { rating: 1 } });
    expect(expectProblem(twice, 409).code).toBe('already_exists');
    const list = await call('GET', `/v1/products/${product.id}/reviews?limit=1`);
    expect(list.json.data).toHaveLength(1);
    expect(list.json.data[0].id).toBe(other.json.id);
    const next = await call('GET', `/v1/products/${product.id}/reviews?limit=1&cursor=${list.json.nextCursor}`);
    expect(next.json).toMatchObject({ data: [{ id: ok.json.id }], nextCursor: null });
  });

  it('refuses a cursor taken from another product’s reviews, naming the cursor', async () => {
    const creator = await signUp('creator');
    const [a, b] = [await insertProduct({ creatorId: creator.id }), await insertProduct({ creatorId: creator.id })];
    for (const product of [a, b]) {
      for (const rating of [4, 5]) {
        await call('POST', `/v1/products/${product.id}/reviews`, { token: (await signUp()).token, body: { rating } });
      }
    }
    const first = await call('GET', `/v1/products/${a.id}/reviews?limit=1`);
    expectInvalidCursor(await call('GET', `/v1/products/${b.id}/reviews?limit=1&cursor=${first.json.nextCursor}`));
    const same = await call('GET', `/v1/products/${a.id}/reviews?limit=1&cursor=${first.json.nextCursor}`);
    expect(same.json).toMatchObject({ data: [{ productId: a.id }], nextCursor: null });
  });

  it('allows one review per user even under concurrent posts', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const user = await signUp();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call('POST', `/v1/products/${product.id}/reviews`, { token: user.token, body: { rating: 4 } }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
  });

  it('rejects bad ratings, a missing token, unknown products and self-reviews', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const user = await signUp();
    const path = `/v1/products/${product.id}/reviews`;
    expectProblem(await call('POST', path, { body: { rating: 5 } }), 401);
    for (const rating of [0, 6, 4.5, '5']) {
      expectProblem(await call('POST', path, { token: user.token, body: { rating } }), 400);
    }
    expectProblem(await call('POST', path, { token: creator.token, body: { rating: 5 } }), 422);
    const missing = '/v1/products/prd_00000000000000000000000000/reviews';
    expectProblem(await call('POST', missing, { token: user.token, body: { rating: 5 } }), 404);
    expectProblem(await call('GET', missing), 404);
  });
});
