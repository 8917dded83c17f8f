/**
 * A show catching up with D1 when news never reached its object: holds D1 has that the object lost or never
 * took in, calls from the subscriber that failed, and an object whose storage is gone.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { LiveSession } from '../../durable-objects/live-session';
import { newId } from '../../src/lib/ids';
import { liveStub } from '../../src/services/live-sessions';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { call } from '../helpers/http';
import { breakTable, connect, hold, liveShow, restoreTable, type Viewer, waitFor } from '../helpers/live';
import { order, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

const lastStock = (viewer: Viewer) => viewer.all('stock').at(-1);

const d1Hold = (holdId: string) =>
  env.DB.prepare('select status, order_id as orderId from holds where id = ?').bind(holdId).first();

const resyncRequested = async (sessionId: string) =>
  (await env.DB.prepare('select resync_requested_at as at from live_sessions where id = ?').bind(sessionId).first())
    ?.at;

describe('holds D1 knows better than the object', () => {
  it('an expiry gives back no units of a hold D1 has as converted to an order; the object takes that status', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 5 }] });
    const viewer = await signUp();
    const stub = liveStub(env, show.id);
    const holdId = await hold(show.id, viewer.token, show.product.id, 2);
    // The object was reset between D1's write of the conversion and its own.
    const orderId = newId('order');
    await env.DB.prepare("update holds set status = 'converted', order_id = ? where id = ?")
      .bind(orderId, holdId)
      .run();
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update holds set expires_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stockOf(show.product.variantIds[0])).toEqual({ onHand: 5, reserved: 2 });
    expect(await d1Hold(holdId)).toEqual({ status: 'converted', orderId });
    const mirrored = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec('select status, order_id from holds where id = ?', holdId).one(),
    );
    expect(mirrored).toEqual({ status: 'converted', order_id: orderId });
  });

  it('the cron expires a hold D1 has active past its time that the object never took in', async () => {
    const show = await liveShow({ variants: [{ price: 1500, stock: 5 }] });
    const viewer = await signUp();
    const holdId = await hold(show.id, viewer.token, show.product.id, 3);
    // The object was reset between D1's write of the hold and its own: it does not know the hold.
    await runInDurableObject(liveStub(env, show.id), (_, state) =>
      state.storage.sql.exec('delete from holds where id = ?', holdId),
    );
    await env.DB.prepare('update holds set expires_at = ? where id = ?')
      .bind(Date.now() - 10 * 60_000, holdId)
      .run();
    expect(await stockOf(show.product.variantIds[0])).toEqual({ onHand: 5, reserved: 3 });
    expect((await runScheduledMaintenance(env)).resyncedSessions).toBeGreaterThanOrEqual(1);
    expect(await stockOf(show.product.variantIds[0])).toEqual({ onHand: 5, reserved: 0 });
    expect(await d1Hold(holdId)).toMatchObject({ status: 'expired' });
  });
});

describe('a failed call to the show', () => {
  it('is written down, and the cron brings viewers and the stored summary up to date', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const buyer = await signUp();
    const socket = await connect(show.id);
    await socket.next('snapshot');
    await breakTable(show.id, 'attributed_sales');
    const items = [{ productId: show.product.id, quantity: 2 }];
    const placed = await order(buyer.token, { items, liveSessionId: show.id });
    // The order stands; the show missed it.
    expect(placed.status).toBe(201);
    expect(await resyncRequested(show.id)).toEqual(expect.any(Number));
    expect(lastStock(socket)?.sold ?? 0).toBe(0);

    await restoreTable(show.id, 'attributed_sales');
    await runScheduledMaintenance(env);
    await waitFor(async () => lastStock(socket)?.sold === 2, 'the missed sale counted');
    expect(await resyncRequested(show.id)).toBeNull();

    const ended = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(ended.json.summary).toMatchObject({ unitsSold: 2, revenue: { amount: 2000 } });
    // After the end: a cancel the show misses leaves the stored summary behind until the cron.
    await breakTable(show.id, 'attributed_sales');
    expect((await call('POST', `/v1/orders/${placed.json.id}/cancel`, { token: buyer.token })).status).toBe(200);
    expect(await resyncRequested(show.id)).toEqual(expect.any(Number));
    await restoreTable(show.id, 'attributed_sales');
    await runScheduledMaintenance(env);
    const stored = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(stored.json.session.summary).toMatchObject({ unitsSold: 0, revenue: { amount: 0 } });
    expect(await resyncRequested(show.id)).toBeNull();
  });
});

describe('an object that lost its storage', () => {
  it("carries on with D1's holds and sales: held and sold, and the holds' expiry", async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const [viewer, buyer] = [await signUp(), await signUp()];
    await hold(show.id, viewer.token, show.product.id, 3);
    const fromHold = await order(buyer.token, { holdId: await hold(show.id, buyer.token, show.product.id, 1) });
    expect(fromHold.status).toBe(201);
    const named = await order(buyer.token, {
      items: [{ productId: show.product.id, quantity: 2 }],
      liveSessionId: show.id,
    });
    expect(named.status).toBe(201);
    const [variantId] = show.product.variantIds;
    expect(await stockOf(variantId)).toEqual({ onHand: 10, reserved: 6 });

    const reloaded = await runInDurableObject(liveStub(env, show.id), async (_, state) => {
      await state.storage.deleteAll();
      const { LiveSession: Fresh } = await import('../../durable-objects/live-session');
      const fresh: LiveSession = new Fresh(state, env);
      const snapshot = await fresh.snapshot();
      const alarm = await state.storage.getAlarm();
      // The hold's time comes: the reloaded object expires it.
      state.storage.sql.exec("update holds set expires_at = 1 where status = 'active'");
      await fresh.alarm();
      return { snapshot, alarm };
    });
    expect(reloaded.snapshot).toMatchObject({
      ok: true,
      value: { session: { products: [{ variants: [{ available: 4, held: 3, sold: 3 }] }] } },
    });
    expect(reloaded.alarm).toBeGreaterThan(Date.now());
    expect(await stockOf(variantId)).toEqual({ onHand: 10, reserved: 3 });
  });
});
