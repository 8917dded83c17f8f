import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { insertPaidOrder } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('GET /v1/products/{id}/related', () => {
  it('ranks co-purchased products by shared orders, then fills with same-category popularity', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const category = `cat-${crypto.randomUUID().slice(0, 8)}`;
    const base = await insertProduct({ creatorId: creator.id, categoryId: category });
    const often = await insertProduct({ creatorId: creator.id });
    const once = await insertProduct({ creatorId: creator.id });
    const popular = await insertProduct({ creatorId: creator.id, categoryId: category });
    const quiet = await insertProduct({ creatorId: creator.id, categoryId: category });
    await insertPaidOrder(buyer.id, [{ productId: base.id }, { productId: often.id }]);
    await insertPaidOrder(buyer.id, [{ productId: base.id }, { productId: often.id }, { productId: once.id }]);
    await insertPaidOrder(buyer.id, [{ productId: popular.id }]);
    await insertPaidOrder(buyer.id, [{ productId: popular.id }]);
    await insertPaidOrder(null, [{ productId: once.id }, { productId: quiet.id }]); // not with base
    const res = await call('GET', `/v1/products/${base.id}/related`);
    expect(res.status).toBe(200);
    expect(res.json.data.map((r: { product: { id: string }; reason: string }) => [r.product.id, r.reason])).toEqual([
      [often.id, 'bought_together'],
      [once.id, 'bought_together'],
      [popular.id, 'same_category'],
      [quiet.id, 'same_category'],
    ]);
    expect(res.json.data[0].socialProof).toMatchObject({ purchasesLastHour: 2, followedBuyers: null });
    const two = await call('GET', `/v1/products/${base.id}/related?limit=1`);
    expect(two.json.data).toHaveLength(1);
  });

  it('shows signed-in viewers how many people they follow bought each', async () => {
    const creator = await signUp('creator');
    const [viewer, friend] = await Promise.all([signUp(), signUp()]);
    await call('POST', `/v1/users/${friend.id}/follow`, { token: viewer.token });
    const a = await insertProduct({ creatorId: creator.id });
    const b = await insertProduct({ creatorId: creator.id });
    await insertPaidOrder(friend.id, [{ productId: a.id }, { productId: b.id }]);
    const res = await call('GET', `/v1/products/${a.id}/related`, { token: viewer.token });
    expect(res.json.data[0]).toMatchObject({ product: { id: b.id }, socialProof: { followedBuyers: 1 } });
    expect(res.headers.get('vary')).toContain('Authorization');
  });

  it('answers 404 for unknown products and 400 for bad input', async () => {
    expectProblem(await call('GET', '/v1/products/prd_00000000000000000000000000/related'), 404);
    expectProblem(await call('GET', '/v1/products/nope/related'), 400);
    const creator = await signUp('creator');
    const p = await insertProduct({ creatorId: creator.id });
    expectProblem(await call('GET', `/v1/products/${p.id}/related?limit=0`), 400);
    // Not paginated: a client paging with a cursor would get the same page forever if it were ignored.
    expectProblem(await call('GET', `/v1/products/${p.id}/related?cursor=abc`), 400);
    expectProblem(await call('GET', `/v1/products/${p.id}/related?category=shoes`), 400);
    expect((await call('GET', `/v1/products/${p.id}/related`)).json.data).toEqual([]);
  });
});
