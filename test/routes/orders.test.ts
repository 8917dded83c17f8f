import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { order, stockOf } from '../helpers/orders';
import { shareOf } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

describe('POST /v1/orders', () => {
  it('prices on the server, reserves stock and snapshots the items', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({
      creatorId: creator.id,
      title: 'Sneaker',
      variants: [
        { price: 5000, stock: 5, options: { size: '42' } },
        { price: 5500, stock: 5, options: { size: '44' } },
      ],
    });
    const [v42, v44] = product.variantIds;
    const show = await call('POST', '/v1/live-sessions', {
      token: creator.token,
      body: { title: 'Drop', productIds: [product.id] },
    });
    const shareCode = await shareOf(buyer.token, 'product', product.id);
    const res = await order(buyer.token, {
      items: [
        { productId: product.id, variantId: v42, quantity: 2 },
        { productId: product.id, variantId: v44, quantity: 1 },
        { productId: product.id, variantId: v42, quantity: 1 },
      ],
      liveSessionId: show.json.id,
      shareCode,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/v1/orders/${res.json.id}`);
    expect(res.json).toMatchObject({
      status: 'pending_payment',
      total: { amount: 3 * 5000 + 5500, currency: 'USD' },
      liveSessionId: show.json.id,
      shareCode,
      items: [
        { variantId: v42, quantity: 3, title: 'Sneaker', options: { size: '42' }, unitPrice: { amount: 5000 } },
        { variantId: v44, quantity: 1, lineTotal: { amount: 5500, currency: 'USD' } },
      ],
    });
    expect(res.json.id).toMatch(/^ord_/);
    expect(await stockOf(v42)).toEqual({ onHand: 5, reserved: 3 });
    expect(await stockOf(v44)).toEqual({ onHand: 5, reserved: 1 });

    // The snapshot survives the product being repriced and deleted.
    await env.DB.prepare('update variants set price = 1 where id = ?').bind(v42).run();
    await env.DB.prepare("update orders set status = 'cancelled' where id = ?").bind(res.json.id).run();
    await env.DB.prepare('delete from products where id = ?').bind(product.id).run();
    const after = await call('GET', `/v1/orders/${res.json.id}`, { token: buyer.token });
    expect(after.json.items[0]).toMatchObject({ title: 'Sneaker', unitPrice: { amount: 5000 } });
  });

  it('drops a live session or share code that names nothing, and still places the order', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id });
    const res = await order(buyer.token, {
      items: [{ productId: product.id, quantity: 1 }],
      liveSessionId: 'liv_01jd3v8m2k9q4x7n5b6c8d0e1f',
      shareCode: 'nope',
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ liveSessionId: null, shareCode: null });
    const row = await env.DB.prepare('select live_session_id, share_code from orders where id = ?')
      .bind(res.json.id)
      .first();
    expect(row).toEqual({ live_session_id: null, share_code: null });
  });

  it('ignores client prices and refuses unknown fields', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id });
    const res = await order(buyer.token, { items: [{ productId: product.id, quantity: 1, price: 1 }] });
    expectProblem(res, 400);
  });

  it('answers 409 with nothing reserved when any line is short', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const a = await insertProduct({ creatorId: creator.id, variants: [{ price: 100, stock: 5 }] });
    const b = await insertProduct({ creatorId: creator.id, variants: [{ price: 100, stock: 1 }] });
    const res = await order(buyer.token, {
      items: [
        { productId: a.id, quantity: 2 },
        { productId: b.id, quantity: 2 },
      ],
    });
    const problem = expectProblem(res, 409);
    expect(problem.code).toBe('insufficient_stock');
    expect(problem.errors).toEqual([{ path: 'items.1', message: 'only 1 available', available: 1 }]);
    expect(await stockOf(a.variantIds[0])).toEqual({ onHand: 5, reserved: 0 });
    expect(await stockOf(b.variantIds[0])).toEqual({ onHand: 1, reserved: 0 });
    const mine = await call('GET', '/v1/orders', { token: buyer.token });
    expect(mine.json.data).toEqual([]);
  });

  it('rejects unknown products, ambiguous variants and mixed currencies with 422', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const usd = await insertProduct({ creatorId: creator.id });
    const eur = await insertProduct({ creatorId: creator.id, currency: 'EUR' });
    const multi = await insertProduct({
      creatorId: creator.id,
      variants: [
        { price: 1, stock: 1 },
        { price: 2, stock: 1 },
      ],
    });
    const unknown = expectProblem(
      await order(buyer.token, { items: [{ productId: 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f', quantity: 1 }] }),
      422,
    );
    expect(unknown.errors[0].path).toBe('items.0');
    const ambiguous = expectProblem(await order(buyer.token, { items: [{ productId: multi.id, quantity: 1 }] }), 422);
    expect(ambiguous.errors[0].path).toBe('items.0.variantId');
    const wrongVariant = await order(buyer.token, {
      items: [{ productId: usd.id, variantId: multi.variantIds[0], quantity: 1 }],
    });
    expectProblem(wrongVariant, 422);
    const mixed = expectProblem(
      await order(buyer.token, {
        items: [
          { productId: usd.id, quantity: 1 },
          { productId: eur.id, quantity: 1 },
        ],
      }),
      422,
    );
    expect(mixed.detail).toContain('one currency');
  });

  it('validates input: quantities, share codes, exactly one source', async () => {
    const buyer = await signUp();
    const productId = 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f';
    for (const body of [
      { items: [{ productId, quantity: 0 }] },
      { items: [{ productId, quantity: 1.5 }] },
      { items: [] },
      {},
      { items: [{ productId, quantity: 1 }], fromCart: true },
      { items: [{ productId, quantity: 1 }], shareCode: 'no spaces!' },
      { items: [{ productId: 'nope', quantity: 1 }] },
    ]) {
      expectProblem(await order(buyer.token, body), 400);
    }
    expectProblem(
      await call('POST', '/v1/orders', { token: buyer.token, body: 'not json', headers: { 'idempotency-key': 'k1' } }),
      400,
    );
  });

  it('needs a token', async () => {
    expectProblem(await order('', { items: [] }), 401);
    expectProblem(await order('nonsense', { items: [] }), 401);
  });
});

describe('GET /v1/orders and /v1/orders/{id}', () => {
  it('lists only my orders, newest first, with cursors', async () => {
    const creator = await signUp('creator');
    const [me, other] = [await signUp(), await signUp()];
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 100, stock: 50 }] });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await order(me.token, { items: [{ productId: product.id, quantity: 1 }] })).json.id);
    await order(other.token, { items: [{ productId: product.id, quantity: 1 }] });
    const first = await call('GET', '/v1/orders?limit=2', { token: me.token });
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toContain('no-store');
    expect(first.json.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    const second = await call('GET', `/v1/orders?limit=2&cursor=${first.json.nextCursor}`, { token: me.token });
    expect(second.json.data.map((o: { id: string }) => o.id)).toEqual([ids[0]]);
    expect(second.json.nextCursor).toBeNull();
    expectProblem(await call('GET', '/v1/orders?cursor=garbage', { token: me.token }), 400);
    // A filter this list does not have is refused, not ignored (the unfiltered page would look filtered).
    const filtered = expectProblem(await call('GET', '/v1/orders?status=paid', { token: me.token }), 400);
    expect(filtered.detail).toContain('status');
    expectProblem(await call('GET', '/v1/orders'), 401);
  });

  it("answers 404 for someone else's order, and shows it to an admin", async () => {
    const creator = await signUp('creator');
    const [owner, stranger] = [await signUp(), await signUp()];
    const admin = await signUpAdmin();
    const product = await insertProduct({ creatorId: creator.id });
    const { json } = await order(owner.token, { items: [{ productId: product.id, quantity: 1 }] });
    expect((await call('GET', `/v1/orders/${json.id}`, { token: owner.token })).status).toBe(200);
    expectProblem(await call('GET', `/v1/orders/${json.id}`, { token: stranger.token }), 404);
    expectProblem(await call('POST', `/v1/orders/${json.id}/cancel`, { token: stranger.token }), 404);
    expect((await call('GET', `/v1/orders/${json.id}`, { token: admin.token })).status).toBe(200);
    expectProblem(await call('GET', '/v1/orders/ord_01jd3v8m2k9q4x7n5b6c8d0e1f', { token: owner.token }), 404);
    expectProblem(await call('GET', '/v1/orders/not-an-id', { token: owner.token }), 400);
    expectProblem(await call('GET', `/v1/orders/${json.id}`), 401);
  });
});
