import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { liveStub } from '../../src/services/live-sessions';
import { notifyLiveSessions } from '../../src/services/live-subscriber';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { connect, hold, liveShow, type Viewer, waitFor } from '../helpers/live';
import { eventually, expectStockConsistent, order, pay, stockOf } from '../helpers/orders';
import { shareOf } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

async function setup(stock = 5, quantity = 2) {
  const show = await liveShow({ variants: [{ price: 3000, stock }] });
  const viewer = await signUp();
  const holdId = await hold(show.id, viewer.token, show.product.id, quantity);
  return { show, viewer, holdId, variantId: show.product.variantIds[0] as string };
}

/** The session object converts the hold, and the order is never written (the Worker died in between). */
async function convertWithoutOrder(sessionId: string, userId: string, holdId: string) {
  const orphan = newId('order');
  await liveStub(env, sessionId).convertHold({ holdId, userId, orderId: orphan });
  const row = await env.DB.prepare('select expires_at from holds where id = ?')
    .bind(holdId)
    .first<{ expires_at: number }>();
  return { orphan, holdExpiresAt: row!.expires_at };
}

describe('POST /v1/orders {holdId}', () => {
  it('turns my hold into an order that keeps the held units (no second reservation)', async () => {
    const { show, viewer, holdId, variantId } = await setup();
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 2 });
    // A flash-sale / live price written through to D1 is what the order charges.
    await env.DB.prepare('update variants set price = 2500 where id = ?').bind(variantId).run();
    const key = crypto.randomUUID();
    const shareCode = await shareOf(show.host.token, 'live', show.id);
    const res = await order(viewer.token, { holdId, shareCode }, key);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'pending_payment',
      holdId,
      liveSessionId: show.id,
      shareCode,
      total: { amount: 5000, currency: 'USD' },
      items: [{ variantId, quantity: 2, unitPrice: { amount: 2500 } }],
    });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 2 });
    const row = await env.DB.prepare('select status, order_id from holds where id = ?').bind(holdId).first();
    expect(row).toEqual({ status: 'converted', order_id: res.json.id });

    const replay = await order(viewer.token, { holdId, shareCode }, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(res.json.id);
    // Another key for a hold that already became an order: the hold is past the state that allows it.
    expect(expectProblem(await order(viewer.token, { holdId }), 409).code).toBe('invalid_state');
    await expectStockConsistent(variantId, 5);

    // The order owns the units now: paying sells them, and nothing is left reserved.
    await pay(viewer.token, res.json.id, { testOutcome: 'succeeded' });
    await eventually(
      () => stockOf(variantId),
      (s) => s.onHand === 3,
    );
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('cancelling an order from a hold releases the held units once', async () => {
    const { viewer, holdId, variantId } = await setup();
    const { json } = await order(viewer.token, { holdId });
    await Promise.all(
      Array.from({ length: 5 }, () => call('POST', `/v1/orders/${json.id}/cancel`, { token: viewer.token })),
    );
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it("answers 404 for someone else's or an unknown hold, 410 for a released or expired one", async () => {
    const { show, viewer, holdId, variantId } = await setup();
    const stranger = await signUp();
    expectProblem(await order(stranger.token, { holdId }), 404);
    expectProblem(await order(viewer.token, { holdId: newId('hold') }), 404);
    await call('DELETE', `/v1/live-sessions/${show.id}/holds/${holdId}`, { token: viewer.token });
    expect(expectProblem(await order(viewer.token, { holdId }), 410).code).toBe('gone');
    // Past its expiry (the alarm has not run yet): the session object expires it and the order is refused.
    const late = await hold(show.id, viewer.token, show.product.id, 1);
    await env.DB.prepare('update holds set expires_at = 1 where id = ?').bind(late).run();
    const { runInDurableObject } = await import('cloudflare:test');
    await runInDurableObject(liveStub(env, show.id), (_, state) =>
      state.storage.sql.exec('update holds set expires_at = 1 where id = ?', late),
    );
    expectProblem(await order(viewer.token, { holdId: late }), 410);
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    expectProblem(await order(viewer.token, { holdId: 'hld_bad' }), 400);
  });

  it('completes an order whose hold was converted by an attempt that died before writing it', async () => {
    const { show, viewer, holdId, variantId } = await setup();
    const orphan = newId('order');
    await liveStub(env, show.id).convertHold({ holdId, userId: viewer.id, orderId: orphan });
    const res = await order(viewer.token, { holdId });
    expect(res.status).toBe(201);
    expect(res.json.id).toBe(orphan);
    await expectStockConsistent(variantId, 5);
  });

  it('without a retry, the cron completes that order, which then expires unpaid and frees the units', async () => {
    const { show, viewer, holdId, variantId } = await setup();
    const { orphan, holdExpiresAt } = await convertWithoutOrder(show.id, viewer.id, holdId);
    // Still within the buyer's time to retry: nothing happens.
    expect((await runScheduledMaintenance(env, holdExpiresAt)).completedConversions).toBe(0);
    await runScheduledMaintenance(env, holdExpiresAt + 6 * 60_000);
    const completed = await call('GET', `/v1/orders/${orphan}`, { token: viewer.token });
    expect(completed.json).toMatchObject({ status: 'pending_payment', holdId });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 2 });
    await runScheduledMaintenance(env, Date.now() + 24 * 60 * 60_000);
    expect((await call('GET', `/v1/orders/${orphan}`, { token: viewer.token })).json.status).toBe('cancelled');
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it("the buyer's retry of a conversion the cron completed gets that order (an outbox back online), once", async () => {
    const { show, viewer, holdId, variantId } = await setup();
    const { orphan, holdExpiresAt } = await convertWithoutOrder(show.id, viewer.id, holdId);
    await runScheduledMaintenance(env, holdExpiresAt + 6 * 60_000);
    // The request the Worker died in claimed this key; its stale claim is gone by now.
    const key = crypto.randomUUID();
    const retry = await order(viewer.token, { holdId }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toMatchObject({ id: orphan, holdId, status: 'pending_payment' });
    await env.DB.prepare('delete from idempotency_keys where scope = ? and key = ?').bind(viewer.id, key).run();
    expect((await order(viewer.token, { holdId }, key)).json.id).toBe(orphan);
    // The order now answers for that key only: another key, or another buyer, cannot claim it.
    expect(expectProblem(await order(viewer.token, { holdId }), 409).code).toBe('invalid_state');
    const other = await signUp();
    expectProblem(await order(other.token, { holdId }), 404);
    await expectStockConsistent(variantId, 5);
  });

  it('is a 409 concurrent_update when the hold the session converts is not the one read (try again)', async () => {
    const { viewer, holdId } = await setup(5, 2);
    // D1's copy of the hold says 1 unit while the session object converts its 2: the hold changed in between.
    await env.DB.prepare('update holds set quantity = 1 where id = ?').bind(holdId).run();
    const res = await order(viewer.token, { holdId });
    expect(expectProblem(res, 409)).toMatchObject({
      code: 'concurrent_update',
      type: 'https://showroom.dev/problems/concurrent-update',
      detail: 'The hold changed while it was being converted',
    });
  });

  it("keeps no concurrent_update as its key's answer: the same key sent again runs once things settle", async () => {
    const { viewer, holdId } = await setup(5, 2);
    const key = crypto.randomUUID();
    await env.DB.prepare('update holds set quantity = 1 where id = ?').bind(holdId).run();
    expect(expectProblem(await order(viewer.token, { holdId }, key), 409).code).toBe('concurrent_update');
    await env.DB.prepare('update holds set quantity = 2 where id = ?').bind(holdId).run();
    const retry = await order(viewer.token, { holdId }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a retry with the same key after its Idempotency-Key record was lost gets the same order, not a 409', async () => {
    const { viewer, holdId, variantId } = await setup();
    const key = crypto.randomUUID();
    const first = await order(viewer.token, { holdId }, key);
    expect(first.status).toBe(201);
    // A 5xx after the commit drops the claim, as does a dead isolate's stale claim being taken over.
    await env.DB.prepare('delete from idempotency_keys where scope = ? and key = ?').bind(viewer.id, key).run();
    const retry = await order(viewer.token, { holdId }, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toEqual(first.json);
    // Another key still cannot make a second order of the hold.
    expectProblem(await order(viewer.token, { holdId }), 409);
    await expectStockConsistent(variantId, 5);
  });

  it('one hold, many concurrent orders with different keys: exactly one order', async () => {
    const { viewer, holdId, variantId } = await setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => order(viewer.token, { holdId })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    await expectStockConsistent(variantId, 5);
  });
});

describe("a show's sold units and summary follow what became of its orders", () => {
  /** The live session's view of one variant, as a viewer would apply it: the last stock event. */
  const lastStock = (viewer: Viewer) => viewer.all('stock').at(-1);

  it('a cancelled order from a hold gives its units back to available and takes them out of sold', async () => {
    const { show, viewer, holdId } = await setup(5, 2);
    const socket = await connect(show.id);
    await socket.next('snapshot');
    const placed = await order(viewer.token, { holdId });
    expect(placed.status).toBe(201);
    expect(await socket.next('stock')).toMatchObject({ available: 3, held: 0, sold: 2 });
    const cancelled = await call('POST', `/v1/orders/${placed.json.id}/cancel`, { token: viewer.token });
    expect(cancelled.json.status).toBe('cancelled');
    await waitFor(async () => lastStock(socket)?.available === 5, 'the units back on sale');
    expect(lastStock(socket)).toMatchObject({ available: 5, held: 0, sold: 0 });
    // No stock event ever showed the units both back on sale and still sold.
    expect(socket.all('stock').filter((e) => e.available === 5 && e.sold > 0)).toEqual([]);

    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 0, revenue: { amount: 0, currency: 'USD' } });
  });

  it('an order that names the show (not from a hold) counts its shown lines as sold, until it is cancelled', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const elsewhere = await insertProduct({ creatorId: show.host.id, title: 'Not in the show' });
    const buyer = await signUp();
    const socket = await connect(show.id);
    await socket.next('snapshot');
    const items = [
      { productId: show.product.id, quantity: 3 },
      { productId: elsewhere.id, quantity: 1 },
    ];
    const placed = await order(buyer.token, { items, liveSessionId: show.id });
    expect(placed.status).toBe(201);
    await waitFor(async () => lastStock(socket)?.sold === 3, 'the sale counted in sold');
    expect(lastStock(socket)).toMatchObject({ available: 7, held: 0, sold: 3 });

    // The same items without the show's id are the catalog's sale, not the show's.
    expect((await order(buyer.token, { items })).status).toBe(201);
    await waitFor(async () => lastStock(socket)?.available === 4, 'the catalog sale seen');
    expect(lastStock(socket)).toMatchObject({ sold: 3 });

    const cancelled = await call('POST', `/v1/orders/${placed.json.id}/cancel`, { token: buyer.token });
    expect(cancelled.json.status).toBe('cancelled');
    await waitFor(async () => lastStock(socket)?.available === 7, 'the units back on sale');
    expect(lastStock(socket)).toMatchObject({ sold: 0 });

    const kept = await order(buyer.token, {
      items: [{ productId: show.product.id, quantity: 2 }],
      liveSessionId: show.id,
    });
    expect(kept.status).toBe(201);
    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 2, revenue: { amount: 2000, currency: 'USD' } });
    // Cancelled after the show: the stored summary follows.
    await call('POST', `/v1/orders/${kept.json.id}/cancel`, { token: buyer.token });
    const stored = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(stored.json.session.summary).toMatchObject({ unitsSold: 0, revenue: { amount: 0 } });
  });

  it('an order naming a show that has not started is not its sale', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }], start: false });
    const buyer = await signUp();
    const items = [{ productId: show.product.id, quantity: 2 }];
    expect((await order(buyer.token, { items, liveSessionId: show.id })).status).toBe(201);
    await call('POST', `/v1/live-sessions/${show.id}/start`, { token: show.host.token });
    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 0 });
  });

  it('an order placed before the start is not its sale even when the show hears of it after starting', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }], start: false });
    const buyer = await signUp();
    const items = [{ productId: show.product.id, quantity: 2 }];
    const placed = await order(buyer.token, { items, liveSessionId: show.id });
    expect(placed.status).toBe(201);
    await call('POST', `/v1/live-sessions/${show.id}/start`, { token: show.host.token });
    // The start came between the order's insert and the call that tells the show (a slow subscriber).
    const created = {
      type: 'order.created',
      orderId: placed.json.id,
      userId: buyer.id,
      liveSessionId: show.id,
    } as const;
    await notifyLiveSessions(created, { env });
    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 0 });
  });

  it("counts at the end what D1 says of the show's orders, news of which never reached it", async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const [variantId] = show.product.variantIds;
    const buyer = await signUp();
    const socket = await connect(show.id);
    await socket.next('snapshot');
    const items = [{ productId: show.product.id, quantity: 2 }];
    const told = await order(buyer.token, { items, liveSessionId: show.id });
    const fromHold = await order(buyer.token, { holdId: await hold(show.id, buyer.token, show.product.id, 1) });
    await waitFor(async () => lastStock(socket)?.sold === 3, 'both sales counted');
    // What the show never heard (a subscriber's call that failed): both orders cancelled, and a third order.
    await env.DB.prepare("update orders set status = 'cancelled' where id in (?, ?)")
      .bind(told.json.id, fromHold.json.id)
      .run();
    const unheard = newId('order');
    const now = Date.now();
    await env.DB.batch([
      env.DB.prepare(
        `insert into orders (id, user_id, status, currency, total_amount, live_session_id, expires_at, created_at, updated_at)
         values (?, ?, 'paid', 'USD', 4000, ?, ?, ?, ?)`,
      ).bind(unheard, buyer.id, show.id, now + 60_000, now, now),
      env.DB.prepare(
        `insert into order_items (order_id, position, product_id, variant_id, title, options, unit_price, quantity)
         values (?, 0, ?, ?, 'Item 0', '{}', 1000, 4)`,
      ).bind(unheard, show.product.id, variantId),
    ]);

    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 4, revenue: { amount: 4000, currency: 'USD' } });
    // Viewers had the corrected figure before `ended`.
    await socket.next('ended');
    expect(lastStock(socket)).toMatchObject({ sold: 4 });
  });

  it('an order that expires unpaid or is refunded after the show leaves the stored summary', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const [buyer, payer] = [await signUp(), await signUp()];
    const admin = await signUpAdmin();
    const unpaid = await order(buyer.token, { holdId: await hold(show.id, buyer.token, show.product.id, 2) });
    const paid = await order(payer.token, { holdId: await hold(show.id, payer.token, show.product.id, 3) });
    await pay(payer.token, paid.json.id, { testOutcome: 'succeeded' });
    await eventually(
      () => call('GET', `/v1/orders/${paid.json.id}`, { token: payer.token }),
      (res) => res.json.status === 'paid',
    );
    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 5, revenue: { amount: 5000 } });

    const stored = async () => {
      const row = await env.DB.prepare('select summary from live_sessions where id = ?').bind(show.id).first();
      return JSON.parse(row?.summary as string);
    };
    await runScheduledMaintenance(env, Date.now() + 24 * 60 * 60_000);
    expect((await call('GET', `/v1/orders/${unpaid.json.id}`, { token: buyer.token })).json.status).toBe('cancelled');
    expect(await stored()).toMatchObject({ unitsSold: 3, revenue: { amount: 3000 } });

    const refunded = await call('POST', `/v1/orders/${paid.json.id}/refund`, { token: admin.token });
    expect(refunded.json.status).toBe('refunded');
    expect(await stored()).toMatchObject({ unitsSold: 0, revenue: { amount: 0 } });
    expect((await call('GET', `/v1/live-sessions/${show.id}`)).json.session.summary).toMatchObject({ unitsSold: 0 });
  });
});
