/**
 * Catalog edits made outside a live session (PATCH /v1/products/{id}) reach the viewers of every session
 * showing the product; a session that made the change itself is not told again.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { liveStub } from '../../src/services/live-sessions';
import { notifyLiveSessions } from '../../src/services/live-subscriber';
import { call } from '../helpers/http';
import { connect, liveShow } from '../helpers/live';

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
