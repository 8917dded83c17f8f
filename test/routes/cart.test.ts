import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
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
