import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { createPost, insertPaidOrder } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

type Item = { type: string; id: string; reason: string; socialProof: Record<string, unknown>; [k: string]: unknown };

async function feed(token?: string, query = 'limit=100', headers: Record<string, string> = {}) {
  const res = await call('GET', `/v1/feed?${query}`, { token, headers });
  expect(res.status).toBe(200);
  return { ...res, items: res.json.data as Item[] };
}

describe('GET /v1/feed composition', () => {
  it('puts live sessions first, then followed people’s posts above plain trending', async () => {
    const creator = await signUp('creator');
    const stranger = await signUp('creator');
    const fan = await signUp();
    await call('POST', `/v1/users/${creator.id}/follow`, { token: fan.token });
    const strangerPost = await createPost(stranger.token, { text: 'not followed' });
    const followedPost = await createPost(creator.token, { text: 'followed' });
    const show = await liveShow();
    const { items, headers } = await feed(fan.token);
    expect(headers.get('x-personalized')).toBe('true');
    expect(headers.get('cache-control')).toBe('private, no-store');
    expect(headers.get('vary')).toContain('X-Device');
    expect(items[0]).toMatchObject({ type: 'live', id: show.id, reason: 'live_now', socialProof: { viewersNow: 0 } });
    const index = (id: string) => items.findIndex((i) => i.id === id);
    expect(items[index(followedPost.id)].reason).toBe('following');
    expect(index(followedPost.id)).toBeLessThan(index(strangerPost.id));
    expect(items[index(strangerPost.id)].reason).toBe('trending');
  });

  it('serves anonymous visitors and opted-out users the unpersonalised trending feed', async () => {
    const creator = await signUp('creator');
    const fan = await signUp();
    await call('POST', `/v1/users/${creator.id}/follow`, { token: fan.token });
    await createPost(creator.token);
    const anonymous = await feed();
    expect(anonymous.headers.get('x-personalized')).toBe('false');
    expect(anonymous.headers.get('cache-control')).toContain('public');
    expect(anonymous.items.some((i) => i.reason === 'following' || i.reason === 'interest')).toBe(false);
    expect(anonymous.items.every((i) => i.socialProof.followedBuyers === null)).toBe(true);
    await call('PATCH', '/v1/me', {
      token: fan.token,
      body: { preferences: { consents: { personalization: false } } },
    });
    const optedOut = await feed(fan.token);
    expect(optedOut.headers.get('x-personalized')).toBe('false');
    expect(optedOut.items.some((i) => i.reason === 'following')).toBe(false);
    expect(optedOut.items.map((i) => i.id)).toEqual((await feed()).items.map((i) => i.id));
  });

  it('lifts products in the user’s interests and formats prices for Accept-Language', async () => {
    const creator = await signUp('creator');
    const user = await signUp();
    const product = await insertProduct({ creatorId: creator.id, categoryId: 'knitwear' });
    await call('PATCH', '/v1/me', { token: user.token, body: { preferences: { interests: ['knitwear'] } } });
    const { items, headers } = await feed(user.token, 'limit=100', { 'Accept-Language': 'de-DE,de;q=0.9' });
    const item = items.find((i) => i.id === product.id) as Item & { product: { priceDisplay: string } };
    expect(item.reason).toBe('interest');
    expect(item.product.priceDisplay).toMatch(/^19,99\s\$$/);
    expect(headers.get('content-language')).toBe('de-DE');
  });

  it('drops hidden posts from every feed', async () => {
    const author = await signUp('creator');
    const post = await createPost(author.token);
    expect((await feed()).items.some((i) => i.id === post.id)).toBe(true);
    const admin = await signUpAdmin();
    await call('POST', '/v1/moderation/hidden', {
      token: admin.token,
      body: { targetType: 'post', targetId: post.id },
    });
    expect((await feed()).items.some((i) => i.id === post.id)).toBe(false);
    expect((await feed(author.token)).items.some((i) => i.id === post.id)).toBe(false);
  });
});

describe('GET /v1/feed social proof', () => {
  it('reports figures computed from a known history, small numbers as they are', async () => {
    const creator = await signUp('creator');
    const viewer = await signUp();
    const [friendA, friendB, other] = await Promise.all([signUp(), signUp(), signUp()]);
    for (const friend of [friendA, friendB])
      await call('POST', `/v1/users/${friend.id}/follow`, { token: viewer.token });
    const product = await insertProduct({ creatorId: creator.id });
    const hourAgo = Date.now() - 2 * 3600 * 1000;
    await insertPaidOrder(friendA.id, [{ productId: product.id }]);
    await insertPaidOrder(friendA.id, [{ productId: product.id }]);
    await insertPaidOrder(friendB.id, [{ productId: product.id }], { paidAt: hourAgo });
    await insertPaidOrder(other.id, [{ productId: product.id }]);
    for (const [user, rating] of [
      [friendA, 5],
      [other, 4],
    ] as const) {
      await call('POST', `/v1/products/${product.id}/reviews`, { token: user.token, body: { rating } });
    }
    const post = await createPost(creator.token, { productIds: [product.id] });
    await call('POST', `/v1/posts/${post.id}/likes`, { token: friendB.token });
    const { items } = await feed(viewer.token);
    expect(items.find((i) => i.id === product.id)?.socialProof).toMatchObject({
      purchasesLastHour: 3,
      viewersNow: 0,
      likes: 1,
      rating: 4.5,
      reviewCount: 2,
      followedBuyers: 2,
    });
    expect(items.find((i) => i.id === post.id)?.socialProof).toMatchObject({
      likes: 1,
      purchasesLastHour: 3,
      followedBuyers: 2,
      rating: null,
    });
    const anonymous = (await feed()).items.find((i) => i.id === product.id);
    expect(anonymous?.socialProof).toMatchObject({ purchasesLastHour: 3, followedBuyers: null });
  });
});

describe('GET /v1/feed paging', () => {
  it('pages stably while scores move: no repeats, no gaps', async () => {
    const creator = await signUp('creator');
    const fans = await Promise.all(Array.from({ length: 3 }, () => signUp()));
    for (let i = 0; i < 12; i++) await createPost(creator.token, { text: `post ${i}` });
    const viewer = await signUp();
    const first = await feed(viewer.token, 'limit=5');
    expect(first.items).toHaveLength(5);
    const seen = first.items.map((i) => i.id);
    let cursor = first.json.nextCursor as string | null;
    let page = 0;
    while (cursor) {
      // Move scores: like a post that is not yet served, which would otherwise jump up the ranking.
      const unseen = (await feed()).items.find((i) => i.type === 'post' && !seen.includes(i.id));
      if (unseen) await Promise.all(fans.map((f) => call('POST', `/v1/posts/${unseen.id}/likes`, { token: f.token })));
      const next = await feed(viewer.token, `limit=5&cursor=${cursor}`);
      seen.push(...next.items.map((i) => i.id));
      cursor = next.json.nextCursor;
      page += 1;
    }
    expect(page).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    const all = (await feed(viewer.token, 'limit=100')).items.map((i) => i.id);
    expect(new Set(seen)).toEqual(new Set(all));
  });

  it('rejects garbage, someone else’s and expired cursors', async () => {
    const user = await signUp();
    const other = await signUp();
    const creator = await signUp('creator');
    for (let i = 0; i < 3; i++) await createPost(creator.token);
    const first = await feed(user.token, 'limit=1');
    expectProblem(await call('GET', `/v1/feed?cursor=${first.json.nextCursor}`, { token: other.token }), 400);
    expectProblem(await call('GET', `/v1/feed?cursor=${first.json.nextCursor}`), 400);
    expectProblem(await call('GET', '/v1/feed?cursor=bm9wZQ'), 400);
    expectProblem(await call('GET', '/v1/feed?limit=0'), 400);
    expectProblem(await call('GET', '/v1/feed', { token: 'bad' }), 401);
  });
});
