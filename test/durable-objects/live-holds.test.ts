import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { LiveSession } from '../../durable-objects/live-session';
import { newId } from '../../src/lib/ids';
import { emitDomainEvent } from '../../src/services/domain-events';
import { liveStub } from '../../src/services/live-sessions';
import { call, expectProblem } from '../helpers/http';
import { alarmOf, connect, hold, liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

async function reserved(variantId: string) {
  const row = await env.DB.prepare('select stock_reserved as r from variants where id = ?').bind(variantId).first();
  return row?.r;
}

describe('convertHold (RPC for the orders service)', () => {
  it('turns a hold into an order, idempotently, and keeps the units reserved', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 4 }] });
    const viewer = await signUp();
    const holdId = await hold(show.id, viewer.token, show.product.id, 2);
    const orderId = newId('order');
    const stub = liveStub(env, show.id);
    const first = await stub.convertHold({ holdId, userId: viewer.id, orderId });
    expect(first).toEqual({
      ok: true,
      value: { productId: show.product.id, variantId: show.product.variantIds[0], quantity: 2 },
    });
    expect(await stub.convertHold({ holdId, userId: viewer.id, orderId })).toEqual(first);
    const again = await stub.convertHold({ holdId, userId: viewer.id, orderId: newId('order') });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    expect(await reserved(show.product.variantIds[0])).toBe(2);
    const row = await env.DB.prepare('select status, order_id from holds where id = ?').bind(holdId).first();
    expect(row).toEqual({ status: 'converted', order_id: orderId });
    // A converted hold never expires: the alarm leaves it alone.
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update holds set expires_at = 0'));
    await runDurableObjectAlarm(stub);
    expect(await reserved(show.product.variantIds[0])).toBe(2);
  });

  it('answers not_found for someone else’s or unknown holds, gone for released or expired ones', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 4 }] });
    const viewer = await signUp();
    const other = await signUp();
    const stub = liveStub(env, show.id);
    const holdId = await hold(show.id, viewer.token, show.product.id);
    const orderId = newId('order');
    expect(await stub.convertHold({ holdId, userId: other.id, orderId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await stub.convertHold({ holdId: newId('hold'), userId: viewer.id, orderId })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await stub.convertHold({ holdId: 'x', userId: viewer.id, orderId })).toMatchObject({
      ok: false,
      error: { code: 'validation_failed' },
    });
    await call('DELETE', `/v1/live-sessions/${show.id}/holds/${holdId}`, { token: viewer.token });
    expect(await stub.convertHold({ holdId, userId: viewer.id, orderId })).toMatchObject({
      ok: false,
      error: { code: 'gone' },
    });
    // Expired but the alarm has not run yet: converting expires it on the spot.
    const late = await hold(show.id, viewer.token, show.product.id);
    await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('update holds set expires_at = 1 where id = ?', late),
    );
    expect(await stub.convertHold({ holdId: late, userId: viewer.id, orderId })).toMatchObject({
      ok: false,
      error: { code: 'gone' },
    });
    expect(await reserved(show.product.variantIds[0])).toBe(0);
  });
});

describe('hold expiry by alarm', () => {
  it('expires due holds, releases their units and tells viewers', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 3 }] });
    const viewer = await signUp();
    const stub = liveStub(env, show.id);
    const due = await hold(show.id, viewer.token, show.product.id, 2);
    const notDue = await hold(show.id, viewer.token, show.product.id, 1);
    const socket = await connect(show.id);
    await socket.next('snapshot');
    await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('update holds set expires_at = 1 where id = ?', due),
    );
    const alarm = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await reserved(show.product.variantIds[0])).toBe(1);
    const statuses = await env.DB.prepare('select id, status from holds where id in (?, ?) order by id')
      .bind(due, notDue)
      .all();
    expect(Object.fromEntries(statuses.results.map((r) => [r.id, r.status]))).toEqual({
      [due]: 'expired',
      [notDue]: 'active',
    });
    expect(await socket.next('stock')).toMatchObject({ available: 2, held: 1, sold: 0 });
    // The alarm moved on to the remaining hold's expiry, or the next look for silent sockets before it.
    const remaining = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec<{ at: number }>("select expires_at as at from holds where status = 'active'").one(),
    );
    expect(remaining.at).toBeGreaterThan(Date.now() + 9 * 60_000);
    const { alarm: next, sweepDue } = await alarmOf(stub);
    expect(sweepDue).toBeDefined();
    expect(next).toBe(Math.min(remaining.at, sweepDue!));
  });
});

describe('a crowd of holds', () => {
  it('lets one person hold at most 10 units of a product at once; others still can', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 50 }] });
    const [greedy, other] = [await signUp(), await signUp()];
    const first = await hold(show.id, greedy.token, show.product.id, 6);
    await hold(show.id, greedy.token, show.product.id, 4);
    const path = `/v1/live-sessions/${show.id}/holds`;
    const more = await call('POST', path, { token: greedy.token, body: { productId: show.product.id, quantity: 1 } });
    expect(expectProblem(more, 409)).toMatchObject({
      code: 'invalid_state',
      detail: expect.stringMatching(/At most 10 units/),
    });
    expect(await reserved(show.product.variantIds[0])).toBe(10);
    await hold(show.id, other.token, show.product.id, 10);
    // Released units count no more.
    expect((await call('DELETE', `${path}/${first}`, { token: greedy.token })).status).toBe(204);
    await hold(show.id, greedy.token, show.product.id, 6);
  });

  it('expires 101 holds that fall due at once (more than one statement can name)', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 200 }] });
    const viewers = [];
    for (let i = 0; i < 11; i++) viewers.push(await signUp());
    const stub = liveStub(env, show.id);
    // At most 10 units per person: 101 one-unit holds from 11 people.
    for (let i = 0; i < 101; i++) await hold(show.id, viewers[i % 11].token, show.product.id);
    expect(await reserved(show.product.variantIds[0])).toBe(101);
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update holds set expires_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await reserved(show.product.variantIds[0])).toBe(0);
    const active = await env.DB.prepare("select count(*) as n from holds where session_id = ? and status = 'active'")
      .bind(show.id)
      .first();
    expect(active).toEqual({ n: 0 });
  }, 30_000); // 100+ requests: slow on a loaded machine, and speed is not what it checks
});

describe('stock.changed from other paths', () => {
  it('reaches viewers of sessions showing the product, and skips others cheaply', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 10 }] });
    const socket = await connect(show.id);
    const snapshot = await socket.next('snapshot');
    // An order elsewhere reserves 4 units (as the orders service would, through inventory statements).
    await env.DB.prepare('update variants set stock_reserved = stock_reserved + 4 where id = ?')
      .bind(show.product.variantIds[0])
      .run();
    await emitDomainEvent(
      { type: 'stock.changed', productIds: [show.product.id, newId('product')], reason: 'order.created' },
      { env },
    );
    const stock = await socket.next('stock');
    expect(stock).toMatchObject({ productId: show.product.id, available: 6, held: 0, sold: 0, seq: snapshot.seq + 1 });
    // Nothing changed since: a second notification publishes nothing.
    const { value } = (await liveStub(env, show.id).notifyStockChanged([show.product.id])) as {
      value: { seq: number };
    };
    expect(value.seq).toBe(stock.seq);
  });

  it('survives the object being re-created from its storage', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 10 }] });
    const viewer = await signUp();
    await hold(show.id, viewer.token, show.product.id, 3);
    const stub = liveStub(env, show.id);
    const before = (await stub.snapshot()) as { ok: true; value: { seq: number; epoch: number } };
    const rebuilt = await runInDurableObject(stub, async (_, state) => {
      const { LiveSession: Fresh } = await import('../../durable-objects/live-session');
      const fresh: LiveSession = new Fresh(state, env);
      return fresh.snapshot();
    });
    expect(rebuilt).toEqual(before);
    expect(before.value.seq).toBeGreaterThan(1);
  });
});

describe('convertLiveHold (service for the orders route)', () => {
  it('finds the hold’s session and maps failures to API errors', async () => {
    const { convertLiveHold } = await import('../../src/services/live-holds');
    const show = await liveShow({ variants: [{ price: 1500, stock: 4 }] });
    const viewer = await signUp();
    const holdId = await hold(show.id, viewer.token, show.product.id, 1);
    const orderId = newId('order');
    await expect(convertLiveHold(env, { holdId, userId: viewer.id, orderId })).resolves.toEqual({
      productId: show.product.id,
      variantId: show.product.variantIds[0],
      quantity: 1,
    });
    await expect(convertLiveHold(env, { holdId, userId: newId('user'), orderId })).rejects.toMatchObject({
      status: 404,
    });
    await expect(convertLiveHold(env, { holdId, userId: viewer.id, orderId: newId('order') })).rejects.toMatchObject({
      status: 409,
    });
  });
});

describe('holds on a product deleted behind the session’s back', () => {
  it('answer 404 and reserve nothing; the session takes the product off the show', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 2 }] });
    const viewer = await signUp();
    const socket = await connect(show.id);
    await socket.next('snapshot');
    // As if the deletion's notice never reached the object: D1 alone knows.
    await env.DB.prepare('delete from products where id = ?').bind(show.product.id).run();
    const claim = () =>
      call('POST', `/v1/live-sessions/${show.id}/holds`, {
        token: viewer.token,
        body: { productId: show.product.id, quantity: 10 },
      });
    expect(expectProblem(await claim(), 404).code).toBe('not_found');
    expect(await socket.next('stock')).toMatchObject({ productId: show.product.id, available: 0, held: 0 });
    expectProblem(await claim(), 404);
    const rows = await env.DB.prepare('select count(*) as n from holds where session_id = ?').bind(show.id).first();
    expect(rows?.n).toBe(0);
  });

  it('a host edit of it is a 404, and viewers end with it unavailable', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 2 }] });
    const socket = await connect(show.id);
    await socket.next('snapshot');
    await env.DB.prepare('delete from products where id = ?').bind(show.product.id).run();
    const edit = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { stock: 5 },
    });
    expectProblem(edit, 404);
    // The optimistic event went out before D1 answered; the correction follows it.
    await socket.next('stock');
    expect(await socket.next('stock')).toMatchObject({ available: 0 });
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products).toEqual([]);
  });

  it('a pin-only host edit of it is a 404 too', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 2 }] });
    await env.DB.prepare('delete from products where id = ?').bind(show.product.id).run();
    const pin = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { pinned: true },
    });
    expectProblem(pin, 404);
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products).toEqual([]);
  });
});
