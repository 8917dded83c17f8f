/**
 * Catalog edits made outside a live session (PATCH /v1/products/{id}) reach the viewers of every session
 * showing the product; a session that made the change itself is not told again. A deleted product leaves
 * every show.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { liveStub } from '../../src/services/live-sessions';
import { notifyLiveSessions } from '../../src/services/live-subscriber';
import { call, expectProblem } from '../helpers/http';
import { connect, liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

async function seqOf(sessionId: string) {
  const result = await liveStub(env, sessionId).snapshot();
  if (!result.ok) throw new Error(result.error.message);
  return result.value.seq;
}

/** A second session of the same host showing the same product, started. */
async function secondShow(show: Awaited<ReturnType<typeof liveShow>>) {
  const created = await call('POST', '/v1/live-sessions', {
    token: show.host.token,
    body: { title: 'Encore', productIds: [show.product.id] },
  });
  expect(created.status).toBe(201);
  const started = await call('POST', `/v1/live-sessions/${created.json.id}/start`, { token: show.host.token });
  expect(started.status).toBe(200);
  return created.json.id as string;
}

describe('catalog price edits', () => {
  it('reach live viewers as a price event, without a stock change', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewer = await connect(show.id);
    const snapshot = await viewer.next('snapshot');
    const res = await call('PATCH', `/v1/products/${show.product.id}`, {
      token: show.host.token,
      body: { variants: [{ id: show.product.variantIds[0], price: { amount: 1250, currency: 'USD' } }] },
    });
    expect(res.status).toBe(200);
    const price = await viewer.next('price');
    expect(price).toMatchObject({
      productId: show.product.id,
      variantId: show.product.variantIds[0],
      price: { amount: 1250, currency: 'USD' },
      seq: snapshot.seq + 1,
    });
    expect(viewer.all('stock')).toHaveLength(0);
  });

  it('reach other sessions showing the product, but not the session that made the change', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const otherId = await secondShow(show);
    const other = await connect(otherId);
    await other.next('snapshot');
    const [ownSeq, otherSeq] = [await seqOf(show.id), await seqOf(otherId)];
    // As if `show` had written the price itself (a host edit): D1 changed, the event names the session.
    await env.DB.prepare('update variants set price = 1300 where id = ?').bind(show.product.variantIds[0]).run();
    await notifyLiveSessions(
      { type: 'product.updated', productId: show.product.id, creatorId: show.host.id, liveSessionId: show.id },
      { env },
    );
    expect(await seqOf(show.id)).toBe(ownSeq);
    expect(await seqOf(otherId)).toBe(otherSeq + 1);
    expect(await other.next('price')).toMatchObject({ price: { amount: 1300, currency: 'USD' } });
  });
});

describe('a product deleted from the catalog', () => {
  it('leaves every show: viewers get available 0 (and the pin cleared), holds and host edits are 404', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 2 }], products: 2 });
    const [gone, kept] = show.products;
    const otherId = await secondShow(show);
    const pinned = await call('PATCH', `/v1/live-sessions/${show.id}/products/${gone.id}`, {
      token: show.host.token,
      body: { pinned: true },
    });
    expect(pinned.status).toBe(200);
    const viewer = await connect(show.id);
    const other = await connect(otherId);
    const { seq } = await viewer.next('snapshot');
    await other.next('snapshot');

    expect((await call('DELETE', `/v1/products/${gone.id}`, { token: show.host.token })).status).toBe(204);
    const stock = await viewer.next('stock');
    expect(stock).toMatchObject({ productId: gone.id, variantId: gone.variantIds[0], available: 0, seq: seq + 1 });
    expect(await viewer.next('pin')).toMatchObject({ productId: gone.id, pinned: false, seq: seq + 2 });
    expect(await other.next('stock')).toMatchObject({ productId: gone.id, available: 0 });
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products.map((p: { productId: string }) => p.productId)).toEqual([kept.id]);

    const shopper = await signUp();
    const claims = await Promise.all(
      Array.from({ length: 3 }, () =>
        call('POST', `/v1/live-sessions/${show.id}/holds`, {
          token: shopper.token,
          body: { productId: gone.id, quantity: 10 },
        }),
      ),
    );
    for (const claim of claims) expectProblem(claim, 404);
    const edit = await call('PATCH', `/v1/live-sessions/${show.id}/products/${gone.id}`, {
      token: show.host.token,
      body: { price: { amount: 500, currency: 'USD' } },
    });
    expectProblem(edit, 404);
    expect(viewer.all('price')).toHaveLength(0);
    const held = await env.DB.prepare('select count(*) as n from holds where product_id = ?').bind(gone.id).first();
    expect(held?.n).toBe(0);
  });
});
