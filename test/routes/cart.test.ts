import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { createDb } from '../../src/db/client';
import { readCartLines } from '../../src/services/cart';
import { priceLines } from '../../src/services/order-lines';
import { placeOrder } from '../../src/services/orders';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { order, stockOf } from '../helpers/orders';
import { shareOf } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('GET/PUT /v1/cart', () => {
  it('stores the cart per user and reports current prices, availability and warnings', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const shirt = await insertProduct({
      creatorId: creator.id,
      title: 'Shirt',
      variants: [{ price: 1500, stock: 10 }],
    });
    const mug = await insertProduct({ creatorId: creator.id, variants: [{ price: 800, stock: 1 }] });
    const gone = await insertProduct({ creatorId: creator.id, variants: [{ price: 800, stock: 0 }] });
    const multi = await insertProduct({
      creatorId: creator.id,
      variants: [
        { price: 1, stock: 1 },
        { price: 2, stock: 1 },
      ],
    });
    const empty = await call('GET', '/v1/cart', { token: buyer.token });
    expect(empty.json).toEqual({ items: [], subtotal: null, warnings: [], updatedAt: null });

    const put = await call('PUT', '/v1/cart', {
      token: buyer.token,
      body: {
        items: [
          { productId: shirt.id, quantity: 2 },
          { productId: mug.id, quantity: 3 },
          { productId: gone.id, quantity: 1 },
          { productId: multi.id, quantity: 1 },
          { productId: 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f', quantity: 1 },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.json.items.map((i: { status: string }) => i.status)).toEqual([
      'ok',
      'insufficient_stock',
      'out_of_stock',
      'choose_variant',
      'unavailable',
    ]);
    expect(put.json.items[0]).toMatchObject({
      title: 'Shirt',
      unitPrice: { amount: 1500, currency: 'USD' },
      lineTotal: { amount: 3000 },
      available: 10,
    });
    expect(put.json.subtotal).toEqual({ amount: 3000, currency: 'USD' });
    expect(put.json.warnings.map((w: { path: string }) => w.path)).toEqual([
      'items.1',
      'items.2',
      'items.3',
      'items.4',
    ]);

    // Follows the user to another device (a fresh read), with the price as it is now.
    await env.DB.prepare('update variants set price = 1200 where id = ?').bind(shirt.variantIds[0]).run();
    const later = await call('GET', '/v1/cart', { token: buyer.token });
    expect(later.json.items[0].unitPrice.amount).toBe(1200);
    const other = await signUp();
    expect((await call('GET', '/v1/cart', { token: other.token })).json.items).toEqual([]);
  });

  it('checks out with POST /v1/orders {fromCart: true} and empties the cart only on success', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 990, stock: 2 }] });
    await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId: product.id, quantity: 3 }] } });
    expectProblem(await order(buyer.token, { fromCart: true }), 409);
    expect((await call('GET', '/v1/cart', { token: buyer.token })).json.items).toHaveLength(1);

    await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId: product.id, quantity: 2 }] } });
    const shareCode = await shareOf(creator.token, 'product', product.id);
    const placed = await order(buyer.token, { fromCart: true, shareCode });
    expect(placed.status).toBe(201);
    expect(placed.json).toMatchObject({ total: { amount: 1980, currency: 'USD' }, shareCode });
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 2, reserved: 2 });
    expect((await call('GET', '/v1/cart', { token: buyer.token })).json.items).toEqual([]);
    expect(expectProblem(await order(buyer.token, { fromCart: true }), 422).detail).toContain('empty');
  });

  it('checks two lines that name one variant differently against its units together', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const mug = await insertProduct({ creatorId: creator.id, variants: [{ price: 800, stock: 3 }] });
    const [variantId] = mug.variantIds;
    // {productId} of a one-variant product and {productId, variantId} are the same variant.
    const items = [
      { productId: mug.id, quantity: 2 },
      { productId: mug.id, variantId, quantity: 2 },
    ];
    const cart = await call('PUT', '/v1/cart', { token: buyer.token, body: { items } });
    expect(cart.json.items.map((l: { status: string }) => l.status)).toEqual(['ok', 'insufficient_stock']);
    expect(cart.json.subtotal).toEqual({ amount: 1600, currency: 'USD' });
    // Which is what checkout says: 4 units of 3 are not there.
    expectProblem(await order(buyer.token, { fromCart: true }), 409);
  });

  it('validates input and needs a token', async () => {
    const buyer = await signUp();
    const productId = 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f';
    expectProblem(
      await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId, quantity: 0 }] } }),
      400,
    );
    expectProblem(await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [], extra: 1 } }), 400);
    // One line per product and variant: two would each look buyable while together they are not.
    const twice = {
      items: [
        { productId, quantity: 4 },
        { productId, quantity: 4 },
      ],
    };
    const duplicate = expectProblem(await call('PUT', '/v1/cart', { token: buyer.token, body: twice }), 400);
    expect(duplicate.errors[0].path).toBe('body.items.1');
    expectProblem(await call('PUT', '/v1/cart', { token: buyer.token, body: {} }), 400);
    expectProblem(await call('PUT', '/v1/cart', { body: { items: [] } }), 401);
    expectProblem(await call('GET', '/v1/cart'), 401);
  });
});

describe('ETag and If-Match on the cart (one cart, several devices)', () => {
  async function setup() {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 500, stock: 10 }] });
    const put = (quantity: number, ifMatch?: string) =>
      call('PUT', '/v1/cart', {
        token: buyer.token,
        body: { items: [{ productId: product.id, quantity }] },
        headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
      });
    const get = (ifNoneMatch?: string) =>
      call('GET', '/v1/cart', {
        token: buyer.token,
        headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch },
      });
    return { buyer, product, put, get };
  }
  const etagOf = (res: { headers: Headers }) => res.headers.get('etag') ?? '';
  const quantities = (res: { json: { items: { quantity: number }[] } }) => res.json.items.map((i) => i.quantity);

  it('tags GET and PUT answers with a strong ETag; If-None-Match gets a 304 until the cart or its prices change', async () => {
    const { product, put, get } = await setup();
    const empty = await get();
    expect(etagOf(empty)).toMatch(/^"[^"]+"$/);
    const saved = await put(1);
    expect(saved.status).toBe(200);
    expect(etagOf(saved)).toMatch(/^"[^"]+"$/);
    expect(etagOf(saved)).not.toBe(etagOf(empty));
    // The PUT answer is the cart as a GET shows it now, so it carries the same tag.
    const read = await get();
    expect(etagOf(read)).toBe(etagOf(saved));
    const same = await get(etagOf(saved));
    expect(same.status).toBe(304);
    expect(etagOf(same)).toBe(etagOf(saved));
    // A new price is a new representation: never hidden behind a 304.
    await env.DB.prepare('update variants set price = 450 where id = ?').bind(product.variantIds[0]).run();
    const repriced = await get(etagOf(saved));
    expect(repriced.status).toBe(200);
    expect(repriced.json.items[0].unitPrice.amount).toBe(450);
    expect(etagOf(repriced)).not.toBe(etagOf(saved));
  });

  it('refuses a PUT whose If-Match another device made stale (412) and keeps what that device saved', async () => {
    const { put, get } = await setup();
    const tag = etagOf(await put(1)); // both devices show this cart
    const tablet = await put(2, tag);
    expect(tablet.status).toBe(200);
    expect(etagOf(tablet)).not.toBe(tag);
    const phone = expectProblem(await put(3, tag), 412);
    expect(phone.code).toBe('precondition_failed');
    expect(phone.detail).toContain('GET /v1/cart');
    const now = await get();
    expect(quantities(now)).toEqual([2]);
    expect(etagOf(now)).toBe(etagOf(tablet));
    // Merged on top of the current cart, with its tag, the phone's change goes through.
    const merged = await put(3, etagOf(now));
    expect(merged.status).toBe(200);
    expect(quantities(merged)).toEqual([3]);
  });

  it('lets exactly one of two devices writing at once with the same tag win', async () => {
    const { put, get } = await setup();
    const tag = etagOf(await put(1));
    const results = await Promise.all([put(2, tag), put(3, tag)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    expect(quantities(await get())).toEqual(winner ? quantities(winner) : []);
  });

  it('If-Match: * writes only over an existing cart', async () => {
    const { put, get } = await setup();
    expect(expectProblem(await put(1, '*'), 412).code).toBe('precondition_failed');
    expect((await get()).json).toMatchObject({ items: [], updatedAt: null });
    expect((await put(1)).status).toBe(200);
    const over = await put(2, '*');
    expect(over.status).toBe(200);
    expect(quantities(over)).toEqual([2]);
  });

  it('the tag of a cart never stored protects its first PUT too', async () => {
    const { put, get } = await setup();
    const none = etagOf(await get());
    expect((await put(1, none)).status).toBe(200);
    // A second device that also saw no cart comes too late.
    expectProblem(await put(2, none), 412);
    expect(quantities(await get())).toEqual([1]);
  });

  it('a price or stock change since the GET is not a conflict: If-Match compares the lines as stored', async () => {
    const { product, put } = await setup();
    const tag = etagOf(await put(1));
    await env.DB.prepare('update variants set price = 450, stock_on_hand = 4 where id = ?')
      .bind(product.variantIds[0])
      .run();
    const saved = await put(2, tag);
    expect(saved.status).toBe(200);
    expect(saved.json.items[0]).toMatchObject({ quantity: 2, available: 4, unitPrice: { amount: 450 } });
  });

  it('answers a repeated PUT whose first answer was lost with the cart, not a 412 (RFC 9110 §13.1.1)', async () => {
    const { put } = await setup();
    const tag = etagOf(await put(1));
    const first = await put(2, tag);
    const retried = await put(2, tag);
    expect(retried.status).toBe(200);
    expect(retried.json).toEqual(first.json);
    expect(etagOf(retried)).toBe(etagOf(first));
  });

  it('gives every version its own tag, even several writes within one millisecond', async () => {
    const { put } = await setup();
    const tags: string[] = [];
    const times: number[] = [];
    // The clock stands still, as it may between two writes from two devices.
    const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now());
    try {
      for (let i = 0; i < 4; i++) {
        const res = await put(1 + (i % 2));
        tags.push(etagOf(res));
        times.push(Date.parse(res.json.updatedAt));
      }
    } finally {
      clock.mockRestore();
    }
    expect(new Set(tags).size).toBe(tags.length);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    // So the tag of the first of them is stale, whatever the clock said.
    expectProblem(await put(3, tags[0]), 412);
  });

  it('treats a tag it never issued, or a weak one, as not matching', async () => {
    const { put, get } = await setup();
    const tag = etagOf(await put(1));
    expectProblem(await put(2, '"nonsense"'), 412);
    expectProblem(await put(2, `W/${tag}`), 412);
    expectProblem(await put(2, 'not-even-quoted'), 412);
    // One current tag in a list is enough.
    expect((await put(2, `"nonsense", ${tag}`)).status).toBe(200);
    expect(quantities(await get())).toEqual([2]);
  });
});

describe('If-None-Match: * on PUT /v1/cart (save only a first cart)', () => {
  async function setup() {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 500, stock: 10 }] });
    const put = (quantity: number, headers: Record<string, string> = { 'if-none-match': '*' }, token = buyer.token) =>
      call('PUT', '/v1/cart', { token, body: { items: [{ productId: product.id, quantity }] }, headers });
    const quantities = async (token = buyer.token) =>
      (await call('GET', '/v1/cart', { token })).json.items.map((i: { quantity: number }) => i.quantity);
    return { buyer, product, put, quantities };
  }

  it('saves when no cart is stored, and is a 412 with nothing written once one is', async () => {
    const { put, quantities } = await setup();
    const first = await put(1);
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toMatch(/^"[0-9a-z]+\.[\w-]{22}"$/);
    const second = expectProblem(await put(2), 412);
    expect(second.code).toBe('precondition_failed');
    expect(second.detail).toContain('If-Match');
    expect(await quantities()).toEqual([1]);
    // A create retried after its answer was lost finds its own lines: 200, as for If-Match.
    expect((await put(1)).status).toBe(200);
  });

  it('lets exactly one of two devices creating the cart at once win', async () => {
    const { put, quantities } = await setup();
    const results = await Promise.all([put(2), put(3)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    expect(await quantities()).toEqual([winner?.json.items[0].quantity]);
  });

  it("looks only at the caller's own cart, and needs a token", async () => {
    const { put, quantities } = await setup();
    expect((await put(1)).status).toBe(200);
    const other = await signUp();
    expect((await put(4, undefined, other.token)).status).toBe(200);
    expect(await quantities(other.token)).toEqual([4]);
    expect(await quantities()).toEqual([1]);
    expectProblem(await put(1, undefined, ''), 401);
  });

  it('refuses an If-None-Match other than *, or together with If-Match (400, nothing written)', async () => {
    const { put, quantities } = await setup();
    const bad = expectProblem(await put(1, { 'if-none-match': '"1.abc"' }), 400);
    expect(bad.detail).toContain('If-None-Match: *');
    expectProblem(await put(1, { 'if-none-match': 'W/"x"' }), 400);
    expectProblem(await put(1, { 'if-none-match': '*', 'if-match': '*' }), 400);
    expect(await quantities()).toEqual([]);
  });
});

describe('checking out the cart', () => {
  it('leaves a cart another device saved after checkout read it', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const shirt = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    const mug = await insertProduct({ creatorId: creator.id, variants: [{ price: 800, stock: 10 }] });
    await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId: shirt.id, quantity: 1 }] } });
    const db = createDb(env.DB);
    // Checkout reads the cart; before its batch commits, another device saves a new one.
    const read = await readCartLines(db, buyer.id);
    const saved = await call('PUT', '/v1/cart', {
      token: buyer.token,
      body: { items: [{ productId: mug.id, quantity: 2 }] },
    });
    expect(saved.status).toBe(200);
    const { lines, currency } = await priceLines(db, read.items);
    await placeOrder(db, { userId: buyer.id, lines, currency, reserve: true, clearCart: read }, { env });
    const after = await call('GET', '/v1/cart', { token: buyer.token });
    expect(after.json.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).toEqual([
      [mug.id, 2],
    ]);
  });

  it('empties the cart it checked out', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const shirt = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId: shirt.id, quantity: 1 }] } });
    expect((await order(buyer.token, { fromCart: true })).status).toBe(201);
    expect((await call('GET', '/v1/cart', { token: buyer.token })).json.items).toEqual([]);
  });
});
