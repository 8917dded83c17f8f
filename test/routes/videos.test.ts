import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { signUp, signUpAdmin } from '../helpers/users';

async function setup() {
  const creator = await signUp('creator');
  const a = await insertProduct({ creatorId: creator.id, title: 'Jacket' });
  const b = await insertProduct({ creatorId: creator.id, title: 'Boots' });
  const res = await call('POST', '/v1/videos', {
    token: creator.token,
    body: {
      title: 'Lookbook',
      url: 'https://cdn.test/v.mp4',
      productTags: [
        { productId: a.id, startMs: 0, endMs: 10_000 },
        { productId: b.id, startMs: 5_000, endMs: 20_000 },
      ],
    },
  });
  expect(res.status).toBe(201);
  return { creator, a, b, video: res.json };
}

describe('POST /v1/videos, GET /v1/videos/{id}', () => {
  it('creates a video with time-ranged product tags', async () => {
    const { video, a, b } = await setup();
    expect(video.id).toMatch(/^vid_/);
    const got = await call('GET', `/v1/videos/${video.id}`);
    expect(got.json.productTags).toEqual([
      { productId: a.id, startMs: 0, endMs: 10_000 },
      { productId: b.id, startMs: 5_000, endMs: 20_000 },
    ]);
  });

  it('needs the creator role, valid ranges and known products', async () => {
    const creator = await signUp('creator');
    const shopper = await signUp();
    const body = { title: 'x', url: 'https://cdn.test/v.mp4', productTags: [] };
    expectProblem(await call('POST', '/v1/videos', { body }), 401);
    expectProblem(await call('POST', '/v1/videos', { token: shopper.token, body }), 403);
    const p = await insertProduct({ creatorId: creator.id });
    const backwards = { ...body, productTags: [{ productId: p.id, startMs: 5000, endMs: 1000 }] };
    expectProblem(await call('POST', '/v1/videos', { token: creator.token, body: backwards }), 400);
    const missing = 'prd_00000000000000000000000000';
    const unknown = {
      ...body,
      productTags: [
        { productId: p.id, startMs: 0, endMs: 1 },
        { productId: missing, startMs: 0, endMs: 1 },
      ],
    };
    const problem = expectProblem(await call('POST', '/v1/videos', { token: creator.token, body: unknown }), 422);
    // The field the form shows the error on: the request has productTags, not productIds.
    expect(problem.errors).toEqual([{ path: 'body.productTags.1.productId', message: `unknown product ${missing}` }]);
    expectProblem(await call('POST', '/v1/videos', { token: creator.token, body: { ...body, url: 'ftp://x' } }), 400);
    expectProblem(await call('GET', '/v1/videos/vid_00000000000000000000000000'), 404);
  });
});

describe('GET /v1/videos/{id}/products?atMs=', () => {
  it('answers which products are on screen at a moment', async () => {
    const { video, a, b } = await setup();
    const at = async (ms: number) =>
      (await call('GET', `/v1/videos/${video.id}/products?atMs=${ms}`)).json.data.map(
        (p: { productId: string }) => p.productId,
      );
    expect(await at(0)).toEqual([a.id]);
    expect(await at(7_000)).toEqual([a.id, b.id]);
    expect(await at(10_000)).toEqual([b.id]);
    expect(await at(20_000)).toEqual([]);
    // The picture is the product's first image, as in the catalog, even when a clip comes first.
    const media = [
      { url: 'https://cdn.test/jacket.mp4', type: 'video' },
      { url: 'https://cdn.test/jacket.jpg', type: 'image' },
    ];
    await env.DB.prepare('update products set media = ? where id = ?').bind(JSON.stringify(media), a.id).run();
    const one = await call('GET', `/v1/videos/${video.id}/products?atMs=1`);
    expect(one.json.data[0]).toMatchObject({
      title: 'Jacket',
      price: { amount: 1999, currency: 'USD' },
      inStock: true,
      image: 'https://cdn.test/jacket.jpg',
    });
    expectProblem(await call('GET', `/v1/videos/${video.id}/products`), 400);
    expectProblem(await call('GET', `/v1/videos/${video.id}/products?atMs=-1`), 400);
    expectProblem(await call('GET', `/v1/videos/${video.id}/products?atMs=`), 400); // not the first frame
    // A parameter it does not know (say a misspelt `atms`) is refused, as on every list, not ignored.
    const unknown = expectProblem(await call('GET', `/v1/videos/${video.id}/products?atMs=1&atms=2`), 400);
    expect(unknown.detail).toMatch(/atms/);
  });
});

describe('the most tags and events allowed', () => {
  it('takes 50 product tags on a video and 50 events in one call', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const productTags = Array.from({ length: 50 }, (_, i) => ({
      productId: product.id,
      startMs: i * 1000,
      endMs: i * 1000 + 500,
    }));
    const res = await call('POST', '/v1/videos', {
      token: creator.token,
      body: { title: 'Every second', url: 'https://cdn.test/v.mp4', productTags },
    });
    expect(res.status).toBe(201);
    expect(res.json.productTags).toHaveLength(50);
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'progress', positionMs: i * 100 }));
    const sent = await call('POST', `/v1/videos/${res.json.id}/events`, { body: { events } });
    expect(sent.status).toBe(202);
    const stored = await env.DB.prepare('select count(*) as n from video_events where video_id = ?')
      .bind(res.json.id)
      .first();
    expect(stored).toEqual({ n: 50 });
  });
});

describe('POST /v1/videos/{id}/events', () => {
  it('records views, progress and product taps, anonymously or signed in', async () => {
    const { video, a } = await setup();
    const viewer = await signUp();
    const res = await call('POST', `/v1/videos/${video.id}/events`, {
      token: viewer.token,
      headers: { 'X-Device': 'ios' },
      body: {
        events: [{ type: 'view' }, { type: 'progress', positionMs: 4000 }, { type: 'product_tap', productId: a.id }],
      },
    });
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ accepted: 3 });
    await call('POST', `/v1/videos/${video.id}/events`, { body: { events: [{ type: 'view' }] } });
    expect((await call('GET', `/v1/videos/${video.id}`)).json.views).toBe(2);
    const stored = await env.DB.prepare('select type, user_id, device from video_events where video_id = ? order by id')
      .bind(video.id)
      .all();
    expect(stored.results).toEqual([
      { type: 'view', user_id: viewer.id, device: 'ios' },
      { type: 'progress', user_id: viewer.id, device: 'ios' },
      { type: 'product_tap', user_id: viewer.id, device: 'ios' },
      { type: 'view', user_id: null, device: null },
    ]);
  });

  it('rejects bad events and taps on products not in the video', async () => {
    const { video, creator } = await setup();
    const other = await insertProduct({ creatorId: creator.id });
    const path = `/v1/videos/${video.id}/events`;
    expectProblem(await call('POST', path, { body: { events: [] } }), 400);
    expectProblem(await call('POST', path, { body: { events: [{ type: 'product_tap' }] } }), 400);
    expectProblem(await call('POST', path, { body: { events: [{ type: 'dance' }] } }), 400);
    expectProblem(await call('POST', path, { body: { events: [{ type: 'product_tap', productId: other.id }] } }), 422);
    const missing = '/v1/videos/vid_00000000000000000000000000/events';
    expectProblem(await call('POST', missing, { body: { events: [{ type: 'view' }] } }), 404);
  });

  it('hides a video from everyone but its creator', async () => {
    const { video, creator } = await setup();
    const admin = await signUpAdmin();
    await call('POST', '/v1/moderation/hidden', {
      token: admin.token,
      body: { targetType: 'video', targetId: video.id },
    });
    expectProblem(await call('GET', `/v1/videos/${video.id}`), 404);
    expect((await call('GET', `/v1/videos/${video.id}`, { token: creator.token })).status).toBe(200);
  });
});
