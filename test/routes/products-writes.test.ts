import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { refreshProductStatement, reserveStatements } from '../../src/services/inventory';
import { call, expectProblem } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { eventually, order, pay, stockOf } from '../helpers/orders';
import { createProductApi, ensureCategory } from '../helpers/products';
import { signUp, signUpAdmin } from '../helpers/users';

describe('PATCH /v1/products/{id}', () => {
  it('changes fields, price and stock of a one-variant product', async () => {
    const creator = await signUp('creator');
    await ensureCategory('outerwear');
    const made = await createProductApi(creator.token);
    const res = await call('PATCH', `/v1/products/${made.id}`, {
      token: creator.token,
      body: {
        title: 'Linen overshirt',
        category: 'outerwear',
        tags: ['layer'],
        price: { amount: 3900, currency: 'EUR' },
        stock: 0,
      },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      title: 'Linen overshirt',
      category: 'outerwear',
      tags: ['layer'],
      inStock: false,
    });
    expect(res.json.price).toEqual({ amount: 3900, currency: 'EUR' });
    expect(res.json.variants[0]).toMatchObject({ price: { amount: 3900, currency: 'EUR' }, stock: 0 });
  });

  it('updates variants by id and adds new ones', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, {
      variants: [
        { options: { size: 'S' }, stock: 1 },
        { options: { size: 'M' }, stock: 1 },
      ],
    });
    const [s] = made.variants;
    const res = await call('PATCH', `/v1/products/${made.id}`, {
      token: creator.token,
      body: {
        variants: [
          { id: s.id, price: { amount: 1000, currency: 'EUR' }, stock: 9, sku: 'S-1' },
          { options: { size: 'L' }, price: { amount: 5000, currency: 'EUR' }, stock: 2 },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.price.amount).toBe(1000);
    expect(
      res.json.variants.map((v: { options: { size: string }; stock: number }) => [v.options.size, v.stock]),
    ).toEqual([
      ['S', 9],
      ['M', 1],
      ['L', 2],
    ]);
    const bad = expectProblem(
      await call('PATCH', `/v1/products/${made.id}`, {
        token: creator.token,
        body: { price: { amount: 1, currency: 'EUR' } },
      }),
      400,
    );
    expect(bad.errors[0].path).toBe('body.price');
  });

  it('never sets units on hand below units reserved (409, nothing changed)', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, { stock: 5 });
    await env.DB.prepare('UPDATE variants SET stock_reserved = 3 WHERE id = ?').bind(made.variants[0].id).run();
    const res = await call('PATCH', `/v1/products/${made.id}`, {
      token: creator.token,
      body: { title: 'Renamed', stock: 2 },
    });
    expect(expectProblem(res, 409)).toMatchObject({
      code: 'stock_reserved',
      type: 'https://showroom.dev/problems/stock-reserved',
    });
    const card = await call('GET', `/v1/products/${made.id}`);
    expect(card.json.title).toBe('Linen shirt');
    const ok = await call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { stock: 3 } });
    expect(ok.json.variants[0].stock).toBe(0);
    expect(ok.json.inStock).toBe(false);
  });

  it('refuses variants a buyer could not tell apart (same options or SKU as another), as on create', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, {
      variants: [
        { options: { size: 'S' }, stock: 1, sku: 'S-1' },
        { options: { size: 'M' }, stock: 1 },
      ],
    });
    const [s, m] = made.variants;
    const patch = (variants: unknown[]) =>
      call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { variants } });
    const added = expectProblem(await patch([{ options: { size: 'S' }, price: made.price, stock: 1 }]), 400);
    expect(added.errors[0]).toMatchObject({ path: 'body.variants.0.options' });
    expectProblem(await patch([{ id: m.id, options: { size: 'S' } }]), 400);
    expect(expectProblem(await patch([{ id: m.id, sku: 'S-1' }]), 400).errors[0].path).toBe('body.variants.0.sku');
    // Swapping two variants' options in one request leaves them distinct.
    const swapped = await patch([
      { id: s.id, options: { size: 'M' } },
      { id: m.id, options: { size: 'S' } },
    ]);
    expect(swapped.status).toBe(200);
    const card = await call('GET', `/v1/products/${made.id}`);
    expect(card.json.variants).toHaveLength(2);
  });

  it("hides someone else's product (404), lets admins through, needs a token", async () => {
    const owner = await signUp('creator');
    const other = await signUp('creator');
    const made = await createProductApi(owner.token);
    expectProblem(
      await call('PATCH', `/v1/products/${made.id}`, { token: other.token, body: { title: 'Mine now' } }),
      404,
    );
    expectProblem(await call('PATCH', `/v1/products/${made.id}`, { body: { title: 'x' } }), 401);
    expectProblem(await call('PATCH', `/v1/products/${made.id}`, { token: 'garbage', body: { title: 'x' } }), 401);
    const admin = await signUpAdmin();
    const res = await call('PATCH', `/v1/products/${made.id}`, { token: admin.token, body: { title: 'Moderated' } });
    expect(res.json.title).toBe('Moderated');
  });

  it('rejects bad input', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token);
    const patch = (body: unknown) => call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body });
    expectProblem(await patch({}), 400);
    expectProblem(await patch({ stock: -1 }), 400);
    expectProblem(await patch({ price: { amount: 100, currency: 'USD' } }), 400);
    expectProblem(await patch({ variants: [{ id: 'var_01jd3v8m2k9q4x7n5b6c8d0e1f', stock: 1 }] }), 400);
    expectProblem(await patch({ variants: [{ options: { size: 'XL' } }] }), 400);
    expectProblem(await patch({ owner: 'me' }), 400);
    // A product of several variants: the problem names the field that was sent.
    const sizes = await createProductApi(creator.token, {
      variants: [
        { options: { size: 'S' }, stock: 1 },
        { options: { size: 'M' }, stock: 1 },
      ],
    });
    const patchSizes = (body: unknown) => call('PATCH', `/v1/products/${sizes.id}`, { token: creator.token, body });
    expect(expectProblem(await patchSizes({ stock: 10 }), 400).errors[0].path).toBe('body.stock');
    expect(expectProblem(await patchSizes({ price: { amount: 100, currency: 'EUR' } }), 400).errors[0].path).toBe(
      'body.price',
    );
  });
});

describe('product media', () => {
  it('takes only http(s) URLs, on create and on PATCH (the schema posts use)', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, {
      media: [{ url: 'https://cdn.example.com/a.jpg', type: 'image' }],
    });
    expect(made.media).toEqual([{ url: 'https://cdn.example.com/a.jpg', type: 'image' }]);
    const product = { title: 'Linen shirt', price: { amount: 4500, currency: 'EUR' } };
    for (const url of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'data:image/png;base64,AAAA',
    ]) {
      const media = [{ url, type: 'image' }];
      const created = await call('POST', '/v1/products', { token: creator.token, body: { ...product, media } });
      expect(expectProblem(created, 400).detail).toContain('an http(s) URL');
      const patched = await call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { media } });
      expect(expectProblem(patched, 400).detail).toContain('an http(s) URL');
    }
    const card = await call('GET', `/v1/products/${made.id}`);
    expect(card.json.media).toEqual([{ url: 'https://cdn.example.com/a.jpg', type: 'image' }]);
  });
});

describe('DELETE /v1/products/{id}', () => {
  it('deletes for the owner; the card and list entry are gone', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token);
    expect((await call('GET', `/v1/products?creatorId=${creator.id}`)).json.data).toHaveLength(1);
    const res = await call('DELETE', `/v1/products/${made.id}`, { token: creator.token });
    expect(res.status).toBe(204);
    expectProblem(await call('GET', `/v1/products/${made.id}`), 404);
    expect((await call('GET', `/v1/products?creatorId=${creator.id}`)).json.data).toHaveLength(0);
    expectProblem(await call('DELETE', `/v1/products/${made.id}`, { token: creator.token }), 404);
  });

  it("hides someone else's product (404), lets admins delete, needs a token, checks the id", async () => {
    const owner = await signUp('creator');
    const made = await createProductApi(owner.token);
    expectProblem(await call('DELETE', `/v1/products/${made.id}`, { token: (await signUp('creator')).token }), 404);
    expectProblem(await call('DELETE', `/v1/products/${made.id}`), 401);
    expectProblem(await call('DELETE', '/v1/products/42', { token: owner.token }), 400);
    const admin = await signUpAdmin();
    expect((await call('DELETE', `/v1/products/${made.id}`, { token: admin.token })).status).toBe(204);
  });
});

describe('DELETE /v1/products/{id} with units promised to buyers', () => {
  it('is a 409 while units are held in a live show or reserved by an unpaid order, then deletes', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const [variantId] = show.product.variantIds;
    const viewer = await signUp();
    const remove = () => call('DELETE', `/v1/products/${show.product.id}`, { token: show.host.token });
    const held = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: viewer.token,
      body: { productId: show.product.id, quantity: 2 },
    });
    expect(held.status).toBe(201);
    expect(expectProblem(await remove(), 409).code).toBe('stock_reserved');

    // The hold became an unpaid order: still promised, still refused.
    const placed = await order(viewer.token, { holdId: held.json.id });
    expect(placed.status).toBe(201);
    expectProblem(await remove(), 409);
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 2 });

    // Paid: the order keeps its own copy of the line, nothing is reserved any more, the product can go.
    await pay(viewer.token, placed.json.id, { testOutcome: 'succeeded' });
    await eventually(
      () => stockOf(variantId),
      (s) => s.reserved === 0,
    );
    expect((await remove()).status).toBe(204);
    expectProblem(await call('GET', `/v1/products/${show.product.id}`), 404);
    expect((await call('GET', `/v1/orders/${placed.json.id}`, { token: viewer.token })).json.status).toBe('paid');
  });
});

describe('PATCH stock racing reservations', () => {
  it('never leaves fewer units on hand than reserved, whatever the interleaving', async () => {
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, { stock: 10 });
    const variantId = made.variants[0].id;
    const db = createDb(env.DB);
    const reserve = async () => {
      const [statement] = reserveStatements(db, [{ variantId, quantity: 1 }]);
      try {
        await db.batch([statement, refreshProductStatement(db, made.id)]);
        return 'reserved';
      } catch {
        return 'short';
      }
    };
    const patches = [6, 4, 8].map((stock) =>
      call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { stock } }),
    );
    const [outcomes, answers] = await Promise.all([
      Promise.all(Array.from({ length: 12 }, reserve)),
      Promise.all(patches),
    ]);
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    const row = await env.DB.prepare('SELECT stock_on_hand, stock_reserved FROM variants WHERE id = ?')
      .bind(variantId)
      .first<{ stock_on_hand: number; stock_reserved: number }>();
    expect(row?.stock_reserved).toBe(outcomes.filter((o) => o === 'reserved').length);
    expect(row?.stock_on_hand).toBeGreaterThanOrEqual(row?.stock_reserved ?? Number.POSITIVE_INFINITY);
    const card = (await call('GET', `/v1/products/${made.id}`)).json;
    expect(card.variants[0].stock).toBe((row?.stock_on_hand ?? 0) - (row?.stock_reserved ?? 0));
  });
});
