// Erasure and the D1 `holds` rows: once a hold no longer reserves units for the person, it stops naming them
// (as orders drop `userId`); a hold still reserving units keeps them until the units are settled.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { liveStub, unwrap } from '../../src/services/live-sessions';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { ERASED_HOLDER } from '../../src/services/privacy/live';
import { call, expectProblem } from '../helpers/http';
import { breakTable, hold, liveShow, restoreTable } from '../helpers/live';
import { order, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

const holdRow = (id: string) =>
  env.DB.prepare('select user_id as userId, status from holds where id = ?')
    .bind(id)
    .first<{ userId: string; status: string }>();

const holdsNaming = async (userId: string) =>
  (await env.DB.prepare('select count(*) as n from holds where user_id = ?').bind(userId).first<{ n: number }>())?.n;

describe('erasure unlinks D1 holds', () => {
  it('unlinks every hold of the erased user once its units are settled; the other viewer keeps theirs', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const [variantId] = show.product.variantIds;
    const sam = await signUp();
    const other = await signUp();
    const released = await hold(show.id, sam.token, show.product.id, 2);
    const del = await call('DELETE', `/v1/live-sessions/${show.id}/holds/${released}`, { token: sam.token });
    expect(del.status).toBe(204);
    const converted = await hold(show.id, sam.token, show.product.id, 1);
    expect((await order(sam.token, { holdId: converted })).status).toBe(201);
    const active = await hold(show.id, sam.token, show.product.id, 1);
    const others = await hold(show.id, other.token, show.product.id, 3);

    // Before erasure the export lists them all.
    const exported = await call('GET', '/v1/me/export', { token: sam.token });
    expect(exported.json.areas.live.holds.map((h: { id: string }) => h.id).sort()).toEqual(
      [released, converted, active].sort(),
    );

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    expect(await holdsNaming(sam.id)).toBe(0);
    expect(await holdRow(released)).toEqual({ userId: ERASED_HOLDER, status: 'released' });
    expect(await holdRow(converted)).toEqual({ userId: ERASED_HOLDER, status: 'converted' });
    expect(await holdRow(active)).toEqual({ userId: ERASED_HOLDER, status: 'released' });
    expect(await holdRow(others)).toEqual({ userId: other.id, status: 'active' });
    // Only the other viewer's units are reserved; they can still order them, and nobody can order an unlinked one.
    expect(await stockOf(variantId)).toEqual({ onHand: 10, reserved: 3 });
    expectProblem(await order(other.token, { holdId: converted }), 404);
    expect((await order(other.token, { holdId: others })).status).toBe(201);
    expect(await stockOf(variantId)).toEqual({ onHand: 10, reserved: 3 });
  });

  it('keeps an active hold linked while its object cannot release it; the cron releases and unlinks it', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 4 }] });
    const [variantId] = show.product.variantIds;
    const sam = await signUp();
    const held = await hold(show.id, sam.token, show.product.id, 2);
    await breakTable(show.id, 'holds');

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    // Still reserving units: it keeps its owner, so the object can still find and release it.
    expect(await holdRow(held)).toEqual({ userId: sam.id, status: 'active' });
    expect(await stockOf(variantId)).toEqual({ onHand: 4, reserved: 2 });

    await restoreTable(show.id, 'holds');
    await runScheduledMaintenance(env);
    expect(await holdRow(held)).toEqual({ userId: ERASED_HOLDER, status: 'released' });
    expect(await stockOf(variantId)).toEqual({ onHand: 4, reserved: 0 });
  });

  it('writes the order of a conversion the Worker left without one, then cancels it: its units are on sale again', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 4 }] });
    const [variantId] = show.product.variantIds;
    const sam = await signUp();
    const held = await hold(show.id, sam.token, show.product.id, 1);
    // The Worker stopped between converting the hold and inserting its order: the units are the order's now.
    const orderId = newId('order');
    unwrap(await liveStub(env, show.id).convertHold({ holdId: held, userId: sam.id, orderId }));
    expect(await stockOf(variantId)).toEqual({ onHand: 4, reserved: 1 });

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    // Left to the cron, it could never be written: the object no longer knows whose the hold was.
    const written = await env.DB.prepare(
      'select status, cancel_reason as reason, user_id as userId from orders where id = ?',
    )
      .bind(orderId)
      .first();
    expect(written).toEqual({ status: 'cancelled', reason: 'account_erased', userId: null });
    expect(await holdRow(held)).toEqual({ userId: ERASED_HOLDER, status: 'converted' });
    expect(await stockOf(variantId)).toEqual({ onHand: 4, reserved: 0 });
  });
});
