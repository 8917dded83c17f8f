import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { createPost, insertPaidOrder } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

/** Opens a share link without following the redirect. */
async function open(code: string, headers: Record<string, string> = {}) {
  const res = await SELF.fetch(`http://showroom.test/s/${code}`, { headers, redirect: 'manual' });
  await res.arrayBuffer();
  return { status: res.status, headers: res.headers };
}

async function share(token: string, targetType: string, targetId: string, channel = 'whatsapp') {
  return call('POST', '/v1/shares', { token, body: { targetType, targetId, channel } });
}

describe('POST /v1/shares and GET /s/{code}', () => {
  it('mints a short link that counts clicks and redirects phones to the app, others to the web', async () => {
    const creator = await signUp('creator');
    const sharer = await signUp();
    const product = await insertProduct({ creatorId: creator.id });
    const res = await share(sharer.token, 'product', product.id);
    expect(res.status).toBe(201);
    expect(res.json.code).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(res.json.url).toBe(`http://showroom.test/s/${res.json.code}`);
    const phone = await open(res.json.code, { 'X-Device': 'ios' });
    expect(phone.status).toBe(302);
    expect(phone.headers.get('location')).toBe(`showroom://products/${product.id}?shareCode=${res.json.code}`);
    expect(phone.headers.get('cache-control')).toBe('no-store');
    const iphone = await open(res.json.code, {
      'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)',
    });
    expect(iphone.headers.get('location')).toMatch(/^showroom:\/\//);
    const desktop = await open(res.json.code);
    expect(desktop.headers.get('location')).toBe(
      `http://localhost:3000/products/${product.id}?shareCode=${res.json.code}`,
    );
    const forced = await open(`${res.json.code}?web=1`, { 'X-Device': 'android' });
    expect(forced.headers.get('location')).toMatch(/^http:\/\/localhost:3000\//);
    // A HEAD (a link checker, a preview fetcher) is answered the same way but is nobody opening the link.
    const head = await SELF.fetch(`http://showroom.test/s/${res.json.code}`, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toBe(desktop.headers.get('location'));
    const stats = await call('GET', `/v1/shares/${res.json.code}/stats`, { token: sharer.token });
    expect(stats.json).toMatchObject({ clicks: 4, orders: 0, revenue: [], creatorId: creator.id, sharerId: sharer.id });
  });

  it('counts concurrent clicks exactly', async () => {
    const author = await signUp('creator');
    const post = await createPost(author.token);
    const { json } = await share(author.token, 'post', post.id, 'copy_link');
    await Promise.all(Array.from({ length: 20 }, () => open(json.code)));
    expect((await call('GET', `/v1/shares/${json.code}/stats`, { token: author.token })).json.clicks).toBe(20);
  });

  it('rejects bad input, unknown targets, unknown codes and a missing token', async () => {
    const user = await signUp();
    expectProblem(
      await call('POST', '/v1/shares', { body: { targetType: 'product', targetId: 'x', channel: 'x' } }),
      401,
    );
    expectProblem(await share(user.token, 'product', 'prd_00000000000000000000000000'), 404);
    expectProblem(await share(user.token, 'planet', 'x'), 400);
    expectProblem(await share(user.token, 'product', 'prd_00000000000000000000000000', 'Not A Channel!'), 400);
    expectProblem(await call('GET', '/s/ZZZZZZZZZZ'), 404);
    expectProblem(await call('GET', '/s/<script>'), 400);
  });
});

describe('attribution', () => {
  it('attributes paid orders carrying the code to the sharer and the creator, not to strangers', async () => {
    const creator = await signUp('creator');
    const sharer = await signUp();
    const buyer = await signUp();
    const stranger = await signUp();
    const product = await insertProduct({ creatorId: creator.id });
    const { json } = await share(sharer.token, 'product', product.id);
    await open(json.code);
    await insertPaidOrder(buyer.id, [{ productId: product.id, amount: 2500 }], { shareCode: json.code });
    await insertPaidOrder(buyer.id, [{ productId: product.id, amount: 1000 }], {
      shareCode: json.code,
      currency: 'EUR',
    });
    await insertPaidOrder(sharer.id, [{ productId: product.id, amount: 9999 }], { shareCode: json.code }); // self-referral
    await insertPaidOrder(buyer.id, [{ productId: product.id, amount: 5000 }]); // no code
    const expected = {
      clicks: 1,
      orders: 2,
      revenue: expect.arrayContaining([
        { amount: 2500, currency: 'USD' },
        { amount: 1000, currency: 'EUR' },
      ]),
    };
    expect((await call('GET', `/v1/shares/${json.code}/stats`, { token: sharer.token })).json).toMatchObject(expected);
    expect((await call('GET', `/v1/shares/${json.code}/stats`, { token: creator.token })).json).toMatchObject(expected);
    expect((await call('GET', `/v1/shares/${json.code}/stats`, { token: (await signUpAdmin()).token })).status).toBe(
      200,
    );
    expectProblem(await call('GET', `/v1/shares/${json.code}/stats`, { token: stranger.token }), 404);
    const asSharer = await call('GET', '/v1/me/shares', { token: sharer.token });
    expect(asSharer.json.data).toEqual([expect.objectContaining({ code: json.code, orders: 2 })]);
    const asCreator = await call('GET', '/v1/me/shares?as=creator', { token: creator.token });
    expect(asCreator.json.data).toEqual([expect.objectContaining({ code: json.code, orders: 2 })]);
    expect((await call('GET', '/v1/me/shares', { token: stranger.token })).json.data).toEqual([]);
    expectProblem(await call('GET', '/v1/me/shares?as=everyone', { token: stranger.token }), 400);
    // Like every list, an unknown parameter is refused, never taken for a filter that was applied.
    expectProblem(await call('GET', '/v1/me/shares?targetType=post', { token: stranger.token }), 400);
  });
});

describe('GET /v1/me/shares', () => {
  it('refuses a cursor taken as the other side (as=sharer vs as=creator), naming the cursor', async () => {
    const creator = await signUp('creator');
    const sharer = await signUp();
    for (let i = 0; i < 2; i++) {
      await share(sharer.token, 'product', (await insertProduct({ creatorId: creator.id })).id);
      await share(creator.token, 'product', (await insertProduct({ creatorId: sharer.id })).id);
    }
    const first = await call('GET', '/v1/me/shares?as=creator&limit=1', { token: creator.token });
    expect(first.json.nextCursor).toBeTypeOf('string');
    for (const other of ['as=sharer&', '']) {
      expectInvalidCursor(
        await call('GET', `/v1/me/shares?${other}limit=1&cursor=${first.json.nextCursor}`, { token: creator.token }),
      );
    }
    const same = await call('GET', `/v1/me/shares?as=creator&limit=1&cursor=${first.json.nextCursor}`, {
      token: creator.token,
    });
    expect(same.json).toMatchObject({ data: [{ sharerId: sharer.id }], nextCursor: null });
    // `as` defaults to sharer: a cursor from the default list pages the explicit one, and back.
    const mine = await call('GET', '/v1/me/shares?limit=1', { token: creator.token });
    const next = await call('GET', `/v1/me/shares?as=sharer&limit=1&cursor=${mine.json.nextCursor}`, {
      token: creator.token,
    });
    expect(next.json).toMatchObject({ data: [{ sharerId: creator.id }], nextCursor: null });
  });
});
