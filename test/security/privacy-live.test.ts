// Erasure as live sessions see it: sockets opened with the erased account, what other viewers are shown, and
// the shows an erased creator hosted (the export and the log's redaction are in privacy.test.ts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ERASED_CLOSE } from '../../durable-objects/live-session.protocol';
import { call } from '../helpers/http';
import { connect, connectAs, hold, liveShow, sleep } from '../helpers/live';
import { order, pay, stockOf } from '../helpers/orders';
import { signUp, signUpAdmin } from '../helpers/users';

/** What the product card says can be bought now, per variant. */
async function cardStock(productId: string) {
  const card = await call('GET', `/v1/products/${productId}`);
  return card.json.variants.map((v: { stock: number }) => v.stock);
}

describe('erasure and live sessions', () => {
  it("closes the erased user's open sockets: what they opened signed in no longer speaks for them", async () => {
    const show = await liveShow();
    const sam = await signUp();
    const viewer = await connectAs(show.id, sam.token);
    await viewer.next('snapshot');

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    const closed = await Promise.race([viewer.closed, sleep(2000).then(() => 'still open')]);
    if (closed === 'still open') {
      // What an open socket could do: chat under the erased account's id and name, into the replay.
      viewer.send({ type: 'chat', text: 'still here' });
      await viewer.next('chat');
    }
    expect(closed).toMatchObject({ code: ACCOUNT_ERASED_CLOSE });
    const replay = await call('GET', `/v1/live-sessions/${show.id}/replay`);
    expect(replay.text).not.toContain(sam.id);
  });

  it("tells viewers watching now to drop the erased user's messages", async () => {
    const show = await liveShow();
    const sam = await signUp();
    const watcher = await connect(show.id);
    const talker = await connectAs(show.id, sam.token);
    talker.send({ type: 'chat', text: 'my number is 555-0100' });
    const { message } = await watcher.next('chat');
    expect(message.userId).toBe(sam.id);

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    expect(await watcher.next('chat_removed')).toMatchObject({ messageId: message.id });
    // A viewer joining later never sees it either (the snapshot skips removed messages).
    const late = await connect(show.id);
    expect(JSON.stringify((await late.next('snapshot')).session.chat)).not.toContain('555-0100');
  });

  it('ends the shows an erased creator was running or had scheduled: nobody is left to host them', async () => {
    const show = await liveShow();
    const later = await call('POST', '/v1/live-sessions', {
      token: show.host.token,
      body: {
        title: 'Next week',
        productIds: [show.product.id],
        scheduledAt: new Date(Date.now() + 60_000).toISOString(),
      },
    });
    expect(later.status).toBe(201);
    const viewer = await connect(show.id);
    await viewer.next('snapshot');

    expect((await call('DELETE', '/v1/me', { token: show.host.token })).status).toBe(204);

    expect(await viewer.next('ended')).toMatchObject({ summary: expect.any(Object) });
    for (const id of [show.id, later.json.id]) {
      expect((await call('GET', `/v1/live-sessions/${id}`)).json.session.status, id).toBe('ended');
    }
    // The profile no longer shows a "Deleted user" live now, and nobody can claim units in the show.
    expect((await call('GET', `/v1/users/${show.host.id}`)).json.liveNow).toBeNull();
    const shopper = await signUp();
    const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: shopper.token,
      body: { productId: show.product.id, quantity: 1 },
    });
    expect(hold.status).toBe(409);
    expect(hold.json.code).toBe('invalid_state');
  });

  it('skips a show that ended meanwhile (its object knows, D1 not yet): erasure still completes', async () => {
    const show = await liveShow();
    expect((await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token })).status).toBe(200);
    await env.DB.prepare("update live_sessions set status = 'live' where id = ?").bind(show.id).run();
    expect((await call('DELETE', '/v1/me', { token: show.host.token })).status).toBe(204);
  });

  it("releases the erased user's holds at once: the units are on sale again on the card, in the snapshot and to viewers", async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 3 }] });
    const [variantId] = show.product.variantIds;
    const sam = await signUp();
    const holdId = await hold(show.id, sam.token, show.product.id, 2);
    const watcher = await connect(show.id);
    const { seq } = await watcher.next('snapshot');
    expect(await cardStock(show.product.id)).toEqual([1]);
    // The hold alone leads erasure to the session: its participation is written after it, and may be missing.
    await env.DB.prepare('delete from live_participants where user_id = ?').bind(sam.id).run();

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    // The same event any release sends, next in the show's history.
    expect(await watcher.next('stock')).toMatchObject({ seq: seq + 1, variantId, available: 3, held: 0 });
    expect(await cardStock(show.product.id)).toEqual([3]);
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products[0].variants[0]).toMatchObject({ available: 3, held: 0 });
    const row = await env.DB.prepare('select status from holds where id = ?').bind(holdId).first();
    expect(row).toEqual({ status: 'released' });
    const shopper = await signUp();
    await hold(show.id, shopper.token, show.product.id, 3);

    // Erasing again (a retry) releases nothing twice.
    const admin = await signUpAdmin();
    expect((await call('DELETE', `/v1/admin/users/${sam.id}`, { token: admin.token })).status).toBe(204);
    expect(await stockOf(variantId)).toEqual({ onHand: 3, reserved: 3 });
    expect(watcher.all('stock')).toHaveLength(2);
  });

  it("cancels the erased user's unpaid orders: their units are on sale again at once, and the show unsells them", async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const [variantId] = show.product.variantIds;
    const sam = await signUp();
    const fromHold = await order(sam.token, { holdId: await hold(show.id, sam.token, show.product.id, 2) });
    const named = await order(sam.token, {
      items: [{ productId: show.product.id, quantity: 1 }],
      liveSessionId: show.id,
    });
    expect([fromHold.status, named.status]).toEqual([201, 201]);
    // The app had started paying for one: that payment can no longer be completed.
    expect((await pay(sam.token, named.json.id)).status).toBe(201);
    const watcher = await connect(show.id);
    expect((await watcher.next('snapshot')).session.products[0].variants[0]).toMatchObject({ available: 2, sold: 3 });
    expect(await cardStock(show.product.id)).toEqual([2]);

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    // Kept for accounting, cancelled as a buyer's cancel is (never deleted).
    for (const placed of [fromHold, named]) {
      const row = await env.DB.prepare('select status, cancel_reason, user_id from orders where id = ?')
        .bind(placed.json.id)
        .first();
      expect(row).toEqual({ status: 'cancelled', cancel_reason: 'account_erased', user_id: null });
    }
    const payment = await env.DB.prepare('select status from payments where order_id = ?').bind(named.json.id).first();
    expect(payment).toEqual({ status: 'canceled' });
    expect(await stockOf(variantId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await cardStock(show.product.id)).toEqual([5]);
    await expect.poll(() => watcher.all('stock').at(-1)).toMatchObject({ available: 5, held: 0, sold: 0 });
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.products[0].variants[0]).toMatchObject({ available: 5, held: 0, sold: 0 });
  });
});
