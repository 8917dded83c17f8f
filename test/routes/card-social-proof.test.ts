import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { connect, liveShow } from '../helpers/live';
import { createPost, insertPaidOrder } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('socialProof on the product card', () => {
  it('bakes real figures into the cached card and refreshes it when a review lands', async () => {
    const creator = await signUp('creator');
    const [a, b] = await Promise.all([signUp(), signUp()]);
    const product = await insertProduct({ creatorId: creator.id });
    await insertPaidOrder(a.id, [{ productId: product.id }]);
    await insertPaidOrder(b.id, [{ productId: product.id }], { paidAt: Date.now() - 2 * 3600 * 1000 });
    const post = await createPost(creator.token, { productIds: [product.id] });
    await call('POST', `/v1/posts/${post.id}/likes`, { token: a.token });
    const first = await call('GET', `/v1/products/${product.id}`);
    expect(first.json.socialProof).toMatchObject({
      purchasesLastHour: 1,
      viewersNow: 0,
      likes: 1,
      rating: null,
      reviewCount: 0,
      followedBuyers: null,
    });
    await call('POST', `/v1/products/${product.id}/reviews`, { token: a.token, body: { rating: 4 } });
    await call('POST', `/v1/products/${product.id}/reviews`, { token: b.token, body: { rating: 3 } });
    const after = await call('GET', `/v1/products/${product.id}`);
    expect(after.json.socialProof).toMatchObject({ rating: 3.5, reviewCount: 2 });
    expect(after.headers.get('etag')).not.toBe(first.headers.get('etag'));
  });

  it('counts viewers of live sessions showing the product', async () => {
    const show = await liveShow();
    const viewers = await Promise.all([connect(show.id), connect(show.id)]);
    await Promise.all(viewers.map((v) => v.next('snapshot')));
    // A stock change invalidates the card; the rebuilt card asks the session how many watch.
    await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { stock: 5 },
    });
    const card = await call('GET', `/v1/products/${show.product.id}`);
    expect(card.json.socialProof.viewersNow).toBe(2);
    for (const v of viewers) v.ws.close();
  });
});
