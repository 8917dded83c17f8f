// An erased creator's products: nobody will ship them, so they cannot be bought any more, whichever way an
// order prices its lines (items, cart, live hold), an order placed before cannot be paid, and they show as out
// of stock, even once units other buyers had reserved come back.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { breakTable, hold, liveShow } from '../helpers/live';
import { eventually, order, pay, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

const card = async (productId: string) => {
  const res = await call('GET', `/v1/products/${productId}`);
  return { inStock: res.json.inStock, stock: res.json.variants.map((v: { stock: number }) => v.stock) };
};

const paymentStatus = async (providerRef: string) =>
  (await env.DB.prepare('select status from payments where provider_ref = ?').bind(providerRef).first())?.status;

const listed = async (creatorId: string) =>
  (await call('GET', `/v1/products?creatorId=${creatorId}&inStock=true`)).json.data.map((p: { id: string }) => p.id);

/** A creator's product, and another creator's that erasure must leave alone. */
async function twoCreators() {
  const cara = await signUp('creator');
  const dan = await signUp('creator');
  const gone = await insertProduct({ creatorId: cara.id, variants: [{ price: 1000, stock: 5 }] });
  const kept = await insertProduct({ creatorId: dan.id, variants: [{ price: 700, stock: 5 }] });
  return { cara, dan, gone, kept };
}

describe("an erased creator's products", () => {
  it('cannot be ordered as items or from the cart; the other creator sells as before', async () => {
    const { cara, dan, gone, kept } = await twoCreators();
    const shopper = await signUp();
    const cart = {
      items: [
        { productId: gone.id, quantity: 1 },
        { productId: kept.id, quantity: 1 },
      ],
    };
    expect((await call('PUT', '/v1/cart', { token: shopper.token, body: cart })).status).toBe(200);
    expect(await card(gone.id)).toEqual({ inStock: true, stock: [5] }); // cached now

    expect((await call('DELETE', '/v1/me', { token: cara.token })).status).toBe(204);

    const items = expectProblem(await order(shopper.token, { items: [{ productId: gone.id, quantity: 1 }] }), 422);
    expect(items.errors).toEqual([{ path: 'items.0', message: expect.stringContaining('no longer on sale') }]);
    const mixed = await order(shopper.token, cart);
    expect(expectProblem(mixed, 422).errors).toEqual([{ path: 'items.0', message: expect.any(String) }]);
    expectProblem(await order(shopper.token, { fromCart: true }), 422);
    // Nothing was reserved, and the cart stays, showing why.
    expect(await stockOf(kept.variantIds[0])).toEqual({ onHand: 5, reserved: 0 });
    const view = await call('GET', '/v1/cart', { token: shopper.token });
    expect(view.json.items.map((i: { status: string }) => i.status)).toEqual(['unavailable', 'ok']);

    // Zero left to sell, on the card (the cached one too) and in listings; the other creator's untouched.
    expect(await stockOf(gone.variantIds[0])).toEqual({ onHand: 0, reserved: 0 });
    expect(await card(gone.id)).toEqual({ inStock: false, stock: [0] });
    expect(await listed(cara.id)).toEqual([]);
    expect(await card(kept.id)).toEqual({ inStock: true, stock: [5] });
    expect(await listed(dan.id)).toEqual([kept.id]);
    expect((await order(shopper.token, { items: [{ productId: kept.id, quantity: 2 }] })).status).toBe(201);
    // Bad input is still refused as before.
    expectProblem(await order(shopper.token, { items: [{ productId: newId('product'), quantity: 1 }] }), 422);
    expectProblem(await order(shopper.token, { items: [{ productId: kept.id }] }), 400);
  });

  it("cancels other buyers' unpaid orders of them (seller_erased); their units stay off sale", async () => {
    const { cara, dan, gone, kept } = await twoCreators();
    const [buyer, other] = await Promise.all([signUp(), signUp()]);
    const items = [
      { productId: gone.id, quantity: 2 },
      { productId: kept.id, quantity: 1 },
    ];
    const mixed = await order(buyer.token, { items });
    const intent = await pay(buyer.token, mixed.json.id);
    expect(intent.status).toBe(201);
    const danOnly = await order(other.token, { items: [{ productId: kept.id, quantity: 1 }] });
    expect(await stockOf(kept.variantIds[0])).toEqual({ onHand: 5, reserved: 2 });

    expect((await call('DELETE', '/v1/me', { token: cara.token })).status).toBe(204);

    // Nobody would ship it: the whole order is cancelled at once (the buyer orders Dan's item again), its open
    // intent with it, and Dan's unit is back on sale; the order of Dan's product alone is untouched.
    const seen = await call('GET', `/v1/orders/${mixed.json.id}`, { token: buyer.token });
    expect(seen.json).toMatchObject({ status: 'cancelled', cancelReason: 'seller_erased' });
    expect(
      await eventually(
        () => paymentStatus(intent.json.id),
        (s) => s === 'canceled',
      ),
    ).toBe('canceled');
    expect((await call('GET', `/v1/orders/${danOnly.json.id}`, { token: other.token })).json.status).toBe(
      'pending_payment',
    );
    expect(await stockOf(kept.variantIds[0])).toEqual({ onHand: 5, reserved: 1 });
    expect(await stockOf(gone.variantIds[0])).toEqual({ onHand: 0, reserved: 0 });
    expect(await card(gone.id)).toEqual({ inStock: false, stock: [0] });
    expect(await listed(cara.id)).toEqual([]);
    expect(await listed(dan.id)).toEqual([kept.id]);
    expect(expectProblem(await pay(buyer.token, mixed.json.id), 409)).toMatchObject({ orderStatus: 'cancelled' });
  });

  it('refuses payment of an unpaid order the erasure did not cancel (placed while it ran)', async () => {
    const { cara, gone } = await twoCreators();
    const buyer = await signUp();
    const placed = await order(buyer.token, { items: [{ productId: gone.id, quantity: 2 }] });
    expect((await call('DELETE', '/v1/me', { token: cara.token })).status).toBe(204);
    // As if it had been written after the erasure's look for unpaid orders.
    await env.DB.prepare("update orders set status = 'pending_payment', cancel_reason = null where id = ?")
      .bind(placed.json.id)
      .run();
    const refused = expectProblem(await pay(buyer.token, placed.json.id), 409);
    expect(refused).toMatchObject({ code: 'invalid_state', orderStatus: 'pending_payment' });
    expect(refused.detail).toMatch(/account was deleted/);
    const intents = await env.DB.prepare('select count(*) as n from payments where order_id = ?')
      .bind(placed.json.id)
      .first();
    expect(intents).toEqual({ n: 0 });
  });

  it('cannot be ordered from a hold left active in a show its object could not end', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 3 }] });
    const shopper = await signUp();
    const held = await hold(show.id, shopper.token, show.product.id, 1);
    // The object cannot end the show (nor release the hold) for now.
    await breakTable(show.id, 'flash_sales');

    expect((await call('DELETE', '/v1/me', { token: show.host.token })).status).toBe(204);

    const refused = expectProblem(await order(shopper.token, { holdId: held }), 422);
    expect(refused.errors).toEqual([{ path: 'items.0', message: expect.stringContaining('no longer on sale') }]);
    const row = await env.DB.prepare('select status from holds where id = ?').bind(held).first();
    expect(row).toEqual({ status: 'active' });
  });
});
