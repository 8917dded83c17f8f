import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

async function variantRow(variantId: string) {
  return env.DB.prepare('select price, stock_on_hand, stock_reserved from variants where id = ?')
    .bind(variantId)
    .first<{ price: number; stock_on_hand: number; stock_reserved: number }>();
}

describe('POST /v1/live-sessions', () => {
  it('creates a scheduled session of the creator’s products', async () => {
    const host = await signUp('creator');
    const product = await insertProduct({ creatorId: host.id });
    const res = await call('POST', '/v1/live-sessions', {
      token: host.token,
      body: { title: 'Drop', productIds: [product.id] },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ title: 'Drop', status: 'scheduled', productIds: [product.id], summary: null });
    expect(res.json.id).toMatch(/^liv_/);
  });

  it('shows the most products allowed (50)', async () => {
    const host = await signUp('creator');
    const productIds = [];
    for (let i = 0; i < 50; i++) productIds.push((await insertProduct({ creatorId: host.id })).id);
    const res = await call('POST', '/v1/live-sessions', { token: host.token, body: { title: 'Mega', productIds } });
    expect(res.status).toBe(201);
    expect(res.json.productIds).toEqual(productIds);
  });

  it('needs a creator token and the creator’s own, existing products', async () => {
    const host = await signUp('creator');
    const other = await signUp('creator');
    const shopper = await signUp('shopper');
    const mine = await insertProduct({ creatorId: host.id });
    const theirs = await insertProduct({ creatorId: other.id });
    const body = { title: 'Drop', productIds: [mine.id] };
    expectProblem(await call('POST', '/v1/live-sessions', { body }), 401);
    expectProblem(await call('POST', '/v1/live-sessions', { body, token: 'nope' }), 401);
    expectProblem(await call('POST', '/v1/live-sessions', { body, token: shopper.token }), 403);
    const foreign = expectProblem(
      await call('POST', '/v1/live-sessions', { token: host.token, body: { title: 'x', productIds: [theirs.id] } }),
      400,
    );
    expect(foreign.errors[0].path).toBe('body.productIds.0');
    expectProblem(
      await call('POST', '/v1/live-sessions', { token: host.token, body: { title: '', productIds: [], extra: 1 } }),
      400,
    );
    expectProblem(
      await call('POST', '/v1/live-sessions', {
        token: host.token,
        body: { title: 'past', productIds: [mine.id], scheduledAt: '2000-01-01T00:00:00.000Z' },
      }),
      400,
    );
  });
});

describe('GET /v1/live-sessions and /{id}', () => {
  it('lists by status with cursor pagination', async () => {
    const a = await liveShow({ start: false });
    const b = await liveShow();
    const live = await call('GET', '/v1/live-sessions?status=live&limit=100');
    expect(live.status).toBe(200);
    const ids = live.json.data.map((s: { id: string }) => s.id);
    expect(ids).toContain(b.id);
    expect(ids).not.toContain(a.id);
    const first = await call('GET', '/v1/live-sessions?limit=1');
    expect(first.json.data).toHaveLength(1);
    const second = await call('GET', `/v1/live-sessions?limit=1&cursor=${first.json.nextCursor}`);
    expect(second.json.data[0].id).not.toBe(first.json.data[0].id);
    expectProblem(await call('GET', '/v1/live-sessions?status=paused'), 400);
    expectProblem(await call('GET', '/v1/live-sessions?cursor=garbage'), 400);
  });

  it('refuses a cursor from a list with another filter, naming the cursor', async () => {
    await liveShow({ start: false });
    await liveShow({ start: false });
    const scheduled = await call('GET', '/v1/live-sessions?status=scheduled&limit=1');
    expect(scheduled.json.nextCursor).toEqual(expect.any(String));
    const cursor = scheduled.json.nextCursor;
    for (const other of ['status=live&', 'status=ended&', '']) {
      expectInvalidCursor(await call('GET', `/v1/live-sessions?${other}limit=1&cursor=${cursor}`));
    }
    const same = await call('GET', `/v1/live-sessions?status=scheduled&limit=1&cursor=${cursor}`);
    expect(same.status).toBe(200);
    expect(same.json.data[0].status).toBe('scheduled');
  });

  it('returns the viewer snapshot anonymously; unknown ids are 404', async () => {
    const show = await liveShow({ variants: [{ price: 2500, stock: 7 }] });
    const res = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(res.status).toBe(200);
    expect(res.json.seq).toBe(1);
    expect(res.json.session).toMatchObject({ id: show.id, status: 'live', viewers: 0 });
    expect(res.json.session.products[0].variants[0]).toMatchObject({
      price: { amount: 2500, currency: 'USD' },
      available: 7,
      held: 0,
      sold: 0,
    });
    expectProblem(await call('GET', '/v1/live-sessions/liv_01jd3v8m2k9q4x7n5b6c8d0e1f'), 404);
    expectProblem(await call('GET', '/v1/live-sessions/nope'), 400);
  });
});

describe('host actions', () => {
  it('PATCH product writes price and stock through to the catalog and returns the new seq', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const res = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { price: { amount: 800, currency: 'USD' }, stock: 9, pinned: true },
    });
    expect(res.status).toBe(200);
    expect(res.json.seq).toBe(4); // started, pin, price, stock
    expect(await variantRow(show.product.variantIds[0])).toEqual({ price: 800, stock_on_hand: 9, stock_reserved: 0 });
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products[0]).toMatchObject({ pinned: true });
    expect(snapshot.json.session.products[0].variants[0]).toMatchObject({ price: { amount: 800 }, available: 9 });
  });

  it('refuses stock below what is held (409), wrong currency and empty patches (400)', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewer = await signUp();
    const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: viewer.token,
      body: { productId: show.product.id, quantity: 3 },
    });
    expect(hold.status).toBe(201);
    const path = `/v1/live-sessions/${show.id}/products/${show.product.id}`;
    expect(expectProblem(await call('PATCH', path, { token: show.host.token, body: { stock: 2 } }), 409).code).toBe(
      'stock_reserved',
    );
    expect((await variantRow(show.product.variantIds[0]))?.stock_on_hand).toBe(5);
    expectProblem(
      await call('PATCH', path, { token: show.host.token, body: { price: { amount: 1, currency: 'EUR' } } }),
      400,
    );
    expectProblem(await call('PATCH', path, { token: show.host.token, body: {} }), 400);
    const stranger = await insertProduct({ creatorId: show.host.id });
    expectProblem(
      await call('PATCH', `/v1/live-sessions/${show.id}/products/${stranger.id}`, {
        token: show.host.token,
        body: { pinned: true },
      }),
      404,
    );
  });

  it('lets only the host (or an admin) start, end, patch and run flash sales', async () => {
    const show = await liveShow({ start: false });
    const other = await signUp('creator');
    const shopper = await signUp();
    const base = `/v1/live-sessions/${show.id}`;
    const actions: [string, string, unknown][] = [
      ['POST', `${base}/start`, undefined],
      ['POST', `${base}/end`, undefined],
      ['PATCH', `${base}/products/${show.product.id}`, { pinned: true }],
      [
        'POST',
        `${base}/flash-sales`,
        { productId: show.product.id, price: { amount: 1, currency: 'USD' }, endsAt: new Date(Date.now() + 60_000) },
      ],
    ];
    for (const [method, path, body] of actions) {
      expectProblem(await call(method, path, { body }), 401);
      expectProblem(await call(method, path, { body, token: other.token }), 403);
      expectProblem(await call(method, path, { body, token: shopper.token }), 403);
      expectProblem(
        await call(method, path.replace(show.id, 'liv_01jd3v8m2k9q4x7n5b6c8d0e1f'), { body, token: show.host.token }),
        404,
      );
    }
    expect((await call('POST', `${base}/start`, { token: show.host.token })).status).toBe(200);
    expect(expectProblem(await call('POST', `${base}/start`, { token: show.host.token }), 409).code).toBe(
      'invalid_state',
    );
  });
});

describe('holds', () => {
  it('reserves units in D1 with a hold row, releases them on DELETE', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewer = await signUp();
    const res = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: viewer.token,
      body: { productId: show.product.id, quantity: 2 },
    });
    expect(res.status).toBe(201);
    expect(res.json.id).toMatch(/^hld_/);
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect((await variantRow(show.product.variantIds[0]))?.stock_reserved).toBe(2);
    const row = await env.DB.prepare('select status, quantity, user_id from holds where id = ?')
      .bind(res.json.id)
      .first();
    expect(row).toEqual({ status: 'active', quantity: 2, user_id: viewer.id });

    const someoneElse = await signUp();
    const path = `/v1/live-sessions/${show.id}/holds/${res.json.id}`;
    expectProblem(await call('DELETE', path, { token: someoneElse.token }), 404);
    expectProblem(await call('DELETE', path), 401);
    expect((await call('DELETE', path, { token: viewer.token })).status).toBe(204);
    expect((await variantRow(show.product.variantIds[0]))?.stock_reserved).toBe(0);
    const released = await env.DB.prepare('select status from holds where id = ?').bind(res.json.id).first();
    expect(released).toEqual({ status: 'released' });
  });

  it('rejects bad input, unknown products, not-live sessions and oversells', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 2 }] });
    const viewer = await signUp();
    const path = `/v1/live-sessions/${show.id}/holds`;
    expectProblem(await call('POST', path, { body: { productId: show.product.id, quantity: 1 } }), 401);
    expectProblem(
      await call('POST', path, { token: viewer.token, body: { productId: show.product.id, quantity: 0 } }),
      400,
    );
    const other = await insertProduct({ creatorId: show.host.id });
    expectProblem(await call('POST', path, { token: viewer.token, body: { productId: other.id, quantity: 1 } }), 404);
    const short = expectProblem(
      await call('POST', path, { token: viewer.token, body: { productId: show.product.id, quantity: 3 } }),
      409,
    );
    expect(short.code).toBe('insufficient_stock');
    const scheduled = await liveShow({ start: false });
    expectProblem(
      await call('POST', `/v1/live-sessions/${scheduled.id}/holds`, {
        token: viewer.token,
        body: { productId: scheduled.product.id, quantity: 1 },
      }),
      409,
    );
  });

  it('never oversells under concurrent claims for few units', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewers = await Promise.all(Array.from({ length: 12 }, () => signUp()));
    const results = await Promise.all(
      viewers.map((v) =>
        call('POST', `/v1/live-sessions/${show.id}/holds`, {
          token: v.token,
          body: { productId: show.product.id, quantity: 1 },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    expect(await variantRow(show.product.variantIds[0])).toMatchObject({ stock_on_hand: 5, stock_reserved: 5 });
    const active = await env.DB.prepare("select count(*) as n from holds where session_id = ? and status = 'active'")
      .bind(show.id)
      .first<{ n: number }>();
    expect(active?.n).toBe(5);
  });
});
