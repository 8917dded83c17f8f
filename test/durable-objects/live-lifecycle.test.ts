import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { encodeCursor } from '../../src/lib/pagination';
import { liveStub } from '../../src/services/live-sessions';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { alarmOf, connect, liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

const price = (variantId: string) =>
  env.DB.prepare('select price from variants where id = ?').bind(variantId).first<{ price: number }>();

describe('flash sales', () => {
  it('write the sale price through to the catalog and restore it when the alarm ends the sale', async () => {
    const show = await liveShow({ variants: [{ price: 3000, stock: 5 }] });
    const viewer = await connect(show.id);
    await viewer.next('snapshot');
    const endsAt = new Date(Date.now() + 60_000).toISOString();
    const res = await call('POST', `/v1/live-sessions/${show.id}/flash-sales`, {
      token: show.host.token,
      body: { productId: show.product.id, price: { amount: 1999, currency: 'USD' }, endsAt },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ productId: show.product.id, price: { amount: 1999 }, endsAt, seq: 3 });
    expect(await viewer.next('flash_sale')).toMatchObject({ state: 'started', seq: 2, endsAt });
    expect(await viewer.next('price')).toMatchObject({ seq: 3, price: { amount: 1999 } });
    expect((await price(show.product.variantIds[0]))?.price).toBe(1999);
    const during = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(during.json.session.products[0].flashSale).toEqual({ price: { amount: 1999, currency: 'USD' }, endsAt });
    expectProblem(
      await call('POST', `/v1/live-sessions/${show.id}/flash-sales`, {
        token: show.host.token,
        body: { productId: show.product.id, price: { amount: 1000, currency: 'USD' }, endsAt },
      }),
      409,
    );

    const stub = liveStub(env, show.id);
    const { alarm, sweepDue } = await alarmOf(stub);
    expect(sweepDue).toBeDefined();
    expect(alarm).toBe(Math.min(Date.parse(endsAt), sweepDue!));
    // Time travel: the sale is due now.
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update flash_sales set ends_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await viewer.next('flash_sale')).toMatchObject({ state: 'ended', seq: 4 });
    expect(await viewer.next('price')).toMatchObject({ seq: 5, price: { amount: 3000 } });
    expect((await price(show.product.variantIds[0]))?.price).toBe(3000);
    const after = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(after.json.session.products[0].flashSale).toBeNull();
  });

  it("a host's price for one variant takes it out of the sale; the others get their price back when it ends", async () => {
    const show = await liveShow({
      variants: [
        { price: 1000, stock: 5 },
        { price: 1200, stock: 5 },
      ],
    });
    const [small, medium] = show.product.variantIds;
    const endsAt = new Date(Date.now() + 60_000).toISOString();
    const sale = await call('POST', `/v1/live-sessions/${show.id}/flash-sales`, {
      token: show.host.token,
      body: { productId: show.product.id, price: { amount: 500, currency: 'USD' }, endsAt },
    });
    expect(sale.status).toBe(201);
    const patched = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { variantId: small, price: { amount: 800, currency: 'USD' } },
    });
    expect(patched.status).toBe(200);
    // The other variant is still on sale.
    const during = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(during.json.session.products[0].flashSale).toMatchObject({ price: { amount: 500 } });

    const stub = liveStub(env, show.id);
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update flash_sales set ends_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await price(small))?.price).toBe(800);
    expect((await price(medium))?.price).toBe(1200);
  });

  it('a product is on one flash sale at a time, across sessions; the next may start when it ends', async () => {
    const first = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const product = first.product;
    const second = await call('POST', '/v1/live-sessions', {
      token: first.host.token,
      body: { title: 'Second show', productIds: [product.id] },
    });
    expect(second.status).toBe(201);
    const secondId = second.json.id as string;
    expect((await call('POST', `/v1/live-sessions/${secondId}/start`, { token: first.host.token })).status).toBe(200);
    const endsAt = new Date(Date.now() + 60_000).toISOString();
    const startSale = (sessionId: string, amount: number) =>
      call('POST', `/v1/live-sessions/${sessionId}/flash-sales`, {
        token: first.host.token,
        body: { productId: product.id, price: { amount, currency: 'USD' }, endsAt },
      });
    expect((await startSale(first.id, 500)).status).toBe(201);
    expect(expectProblem(await startSale(secondId, 300), 409).code).toBe('invalid_state');
    // Above the running sale's price but below the product's own: still that the sale runs, not a price error.
    expectProblem(await startSale(secondId, 700), 409);
    expect(expectProblem(await startSale(first.id, 700), 409).code).toBe('invalid_state');
    expect((await price(product.variantIds[0]))?.price).toBe(500);

    const stub = liveStub(env, first.id);
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update flash_sales set ends_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await price(product.variantIds[0]))?.price).toBe(1000);
    expect((await startSale(secondId, 300)).status).toBe(201);
    expect((await price(product.variantIds[0]))?.price).toBe(300);

    // A mark left by a session that lost its storage (its sale long over) does not block the product.
    await env.DB.prepare('update live_session_products set flash_sale_ends_at = ? where session_id = ?')
      .bind(Date.now() - 120_000, secondId)
      .run();
    await runInDurableObject(liveStub(env, secondId), (_, state) => state.storage.sql.exec('delete from flash_sales'));
    expect((await startSale(first.id, 200)).status).toBe(201);
  });

  it('rejects past endsAt, prices that do not lower every variant, products outside the show and sessions not live', async () => {
    const show = await liveShow();
    const path = `/v1/live-sessions/${show.id}/flash-sales`;
    const price = { amount: 100, currency: 'USD' };
    const soon = new Date(Date.now() + 60_000).toISOString();
    const past = new Date(Date.now() - 1000).toISOString();
    const token = show.host.token;
    expectProblem(await call('POST', path, { token, body: { productId: show.product.id, price, endsAt: past } }), 400);
    // A flash sale is short: one ending in a year would be a permanent price cut.
    const nextYear = new Date(Date.now() + 365 * 24 * 3600_000).toISOString();
    const forever = await call('POST', path, { token, body: { productId: show.product.id, price, endsAt: nextYear } });
    expect(expectProblem(forever, 400).detail).toMatch(/24 hours/);
    const other = await insertProduct({ creatorId: show.host.id });
    expectProblem(await call('POST', path, { token, body: { productId: other.id, price, endsAt: soon } }), 404);
    expectProblem(
      await call('POST', path, { token, body: { productId: show.product.id, price: 5, endsAt: soon } }),
      400,
    );
    // A flash sale lowers prices: not to the current price of any variant, never above it.
    const twoPrices = await liveShow({
      variants: [
        { price: 1000, stock: 5 },
        { price: 1200, stock: 5 },
      ],
    });
    for (const amount of [1000, 1100, 5000]) {
      const refused = await call('POST', `/v1/live-sessions/${twoPrices.id}/flash-sales`, {
        token: twoPrices.host.token,
        body: { productId: twoPrices.product.id, price: { amount, currency: 'USD' }, endsAt: soon },
      });
      expect(expectProblem(refused, 400).detail).toMatch(/below/);
    }
    const stored = await env.DB.prepare('select price from variants where product_id = ? order by position')
      .bind(twoPrices.product.id)
      .all();
    expect(stored.results).toEqual([{ price: 1000 }, { price: 1200 }]);
    // Against D1's prices, not the show's copy: a catalog change whose news never reached the show counts.
    await env.DB.prepare('update variants set price = 700 where id = ?').bind(twoPrices.product.variantIds[1]).run();
    const raise = await call('POST', `/v1/live-sessions/${twoPrices.id}/flash-sales`, {
      token: twoPrices.host.token,
      body: { productId: twoPrices.product.id, price: { amount: 800, currency: 'USD' }, endsAt: soon },
    });
    expect(expectProblem(raise, 400).detail).toMatch(/below the product's lowest current price \(700\)/);
    const scheduled = await liveShow({ start: false });
    expectProblem(
      await call('POST', `/v1/live-sessions/${scheduled.id}/flash-sales`, {
        token: scheduled.host.token,
        body: { productId: scheduled.product.id, price, endsAt: soon },
      }),
      409,
    );
  });
});

describe('session lifecycle', () => {
  it('starts by itself at scheduledAt (alarm)', async () => {
    const host = await signUp('creator');
    const product = await insertProduct({ creatorId: host.id });
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await call('POST', '/v1/live-sessions', {
      token: host.token,
      body: { title: 'Later', productIds: [product.id], scheduledAt },
    });
    expect(created.json).toMatchObject({ status: 'scheduled', scheduledAt });
    const stub = liveStub(env, created.json.id);
    expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(Date.parse(scheduledAt));
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update session set scheduled_at = 1'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const row = await env.DB.prepare('select status, started_at from live_sessions where id = ?')
      .bind(created.json.id)
      .first<{ status: string; started_at: number }>();
    expect(row?.status).toBe('live');
    const replay = await call('GET', `/v1/live-sessions/${created.json.id}/replay`);
    expect(replay.json.data[0].event).toMatchObject({ type: 'started', seq: 1 });
  });

  it('ends with a summary in D1, an ended event and closed sockets; holds can still be ordered', async () => {
    const show = await liveShow({ variants: [{ price: 1250, stock: 10 }] });
    const buyer = await signUp();
    const viewers = await Promise.all([connect(show.id), connect(show.id)]);
    await viewers[0].next('viewers');
    const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: buyer.token,
      body: { productId: show.product.id, quantity: 2 },
    });
    const stub = liveStub(env, show.id);
    await stub.convertHold({ holdId: hold.json.id, userId: buyer.id, orderId: newId('order') });
    const late = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: buyer.token,
      body: { productId: show.product.id, quantity: 1 },
    });
    const res = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(res.status).toBe(200);
    const summary = { peakViewers: 2, unitsSold: 2, revenue: { amount: 2500, currency: 'USD' } };
    expect(res.json.summary).toEqual(summary);
    const ended = await viewers[1].next('ended');
    expect(ended).toMatchObject({ seq: res.json.seq, summary });
    expect((await viewers[1].closed).code).toBe(1000);
    const row = await env.DB.prepare('select status, summary from live_sessions where id = ?').bind(show.id).first();
    expect(row).toEqual({ status: 'ended', summary: JSON.stringify(summary) });
    const endAgain = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(expectProblem(endAgain, 409).code).toBe('invalid_state');
    expectProblem(
      await call('POST', `/v1/live-sessions/${show.id}/holds`, {
        token: buyer.token,
        body: { productId: show.product.id },
      }),
      409,
    );
    // A hold taken during the show can still become an order; the stored summary follows.
    await stub.convertHold({ holdId: late.json.id, userId: buyer.id, orderId: newId('order') });
    const list = await call('GET', '/v1/live-sessions?status=ended&limit=100');
    const mine = list.json.data.find((s: { id: string }) => s.id === show.id);
    expect(mine.summary).toEqual({ ...summary, unitsSold: 3, revenue: { amount: 3750, currency: 'USD' } });
    // The history closed with `ended`: the late sale is in the summary, not in new events.
    const replay = await call('GET', `/v1/live-sessions/${show.id}/replay?limit=100`);
    expect(replay.json.data.at(-1).event).toMatchObject({ type: 'ended', seq: res.json.seq });
    // Joining an ended session: the snapshot, then the socket closes.
    const latecomer = await connect(show.id);
    expect((await latecomer.next('snapshot')).session.status).toBe('ended');
    expect((await latecomer.closed).code).toBe(1000);
  });

  it('counts the viewers connected at the end in the peak, however soon it comes', async () => {
    const show = await liveShow();
    for (const viewer of await Promise.all([connect(show.id), connect(show.id), connect(show.id)])) {
      await viewer.next('snapshot');
    }
    // Within the second before the first viewer count goes out.
    const res = await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    expect(res.json.summary.peakViewers).toBe(3);
  });

  it('sends going_away before a planned restart and closes with 1012', async () => {
    const show = await liveShow();
    const viewer = await connect(show.id);
    await viewer.next('snapshot');
    expect(await liveStub(env, show.id).goingAway(500)).toBe(1);
    expect(await viewer.next('going_away')).toEqual({ type: 'going_away', retryInMs: 500 });
    expect((await viewer.closed).code).toBe(1012);
  });
});

describe('GET /v1/live-sessions/{id}/replay', () => {
  it('refuses a cursor taken from another session’s timeline, naming the cursor', async () => {
    const [a, b] = [await liveShow(), await liveShow()];
    for (const show of [a, b]) {
      await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
        token: show.host.token,
        body: { stock: 9 },
      });
    }
    const first = await call('GET', `/v1/live-sessions/${a.id}/replay?limit=1`);
    expect(first.json.nextCursor).toBeTypeOf('string');
    expectInvalidCursor(await call('GET', `/v1/live-sessions/${b.id}/replay?limit=1&cursor=${first.json.nextCursor}`));
    const same = await call('GET', `/v1/live-sessions/${a.id}/replay?limit=1&cursor=${first.json.nextCursor}`);
    expect(same.json.data.map((e: { event: { seq: number } }) => e.event.seq)).toEqual([2]);
  });

  it('pages through the timeline with offsets from the start', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 50 }] });
    for (let i = 0; i < 5; i++) {
      await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
        token: show.host.token,
        body: { stock: 10 + i },
      });
    }
    const first = await call('GET', `/v1/live-sessions/${show.id}/replay?limit=4`);
    expect(first.status).toBe(200);
    expect(first.json.data.map((e: { event: { seq: number } }) => e.event.seq)).toEqual([1, 2, 3, 4]);
    expect(first.json.data[0].offsetMs).toBe(0);
    const offsets = first.json.data.map((e: { offsetMs: number }) => e.offsetMs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    const second = await call('GET', `/v1/live-sessions/${show.id}/replay?limit=4&cursor=${first.json.nextCursor}`);
    expect(second.json.data.map((e: { event: { seq: number } }) => e.event.seq)).toEqual([5, 6]);
    expect(second.json.nextCursor).toBeNull();
    expectProblem(await call('GET', `/v1/live-sessions/${show.id}/replay?cursor=bad`), 400);
    // A well-formed cursor this timeline never wrote is the same 400 as any list's, naming the cursor.
    for (const key of [[-1], [1.5], [2 ** 60], ['x']]) {
      const forged = encodeCursor(key, [show.id]);
      const res = expectProblem(await call('GET', `/v1/live-sessions/${show.id}/replay?cursor=${forged}`), 400);
      expect(res.errors, JSON.stringify(key)).toEqual([{ path: 'cursor', message: 'invalid cursor' }]);
    }
    // Pages as every list does: 1–100, 20 by default.
    expectProblem(await call('GET', `/v1/live-sessions/${show.id}/replay?limit=101`), 400);
    // A filter the timeline does not have is refused, not ignored (an unfiltered page would pass for a filtered one).
    const filtered = expectProblem(await call('GET', `/v1/live-sessions/${show.id}/replay?type=chat`), 400);
    expect(filtered.detail).toMatch(/type/);
    expectProblem(await call('GET', '/v1/live-sessions/liv_01jd3v8m2k9q4x7n5b6c8d0e1f/replay'), 404);
  });
});
