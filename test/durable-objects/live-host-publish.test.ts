/**
 * A host's price, stock or pin change reaches viewers before D1 confirms it (durable/live/host.ts); when D1
 * refuses it or holds something the object had not seen, viewers get D1's state as the next events.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../helpers/http';
import { connect, liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

type Show = Awaited<ReturnType<typeof liveShow>>;

const patch = (show: Show, body: unknown) =>
  call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, { token: show.host.token, body });

/** Units reserved straight in D1, as an order elsewhere would, without telling the session. */
const reserveBehindTheSessionsBack = (show: Show, units: number) =>
  env.DB.prepare('UPDATE variants SET stock_reserved = ? WHERE id = ?').bind(units, show.product.variantIds[0]).run();

const d1Stock = (show: Show) =>
  env.DB.prepare('SELECT stock_on_hand AS onHand, stock_reserved AS reserved FROM variants WHERE id = ?')
    .bind(show.product.variantIds[0])
    .first<{ onHand: number; reserved: number }>();

describe('host changes published before D1 confirms', () => {
  it('a stock D1 refuses is taken back: viewers see the change, then the pin and stock D1 holds, seq by seq', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const viewer = await connect(show.id);
    const snapshot = await viewer.next('snapshot');
    await reserveBehindTheSessionsBack(show, 6);
    const res = await patch(show, { pinned: true, stock: 5 });
    expect(expectProblem(res, 409).code).toBe('stock_reserved');
    const frames = [];
    for (let i = 0; i < 4; i++) frames.push(await viewer.next());
    expect(frames.map((f) => [f.type, f.seq])).toEqual([
      ['pin', snapshot.seq + 1],
      ['stock', snapshot.seq + 2],
      ['pin', snapshot.seq + 3],
      ['stock', snapshot.seq + 4],
    ]);
    expect(frames.map((f) => f.pinned ?? f.available)).toEqual([true, 5, false, 4]);
    expect(await d1Stock(show)).toEqual({ onHand: 10, reserved: 6 });
  });

  it('refuses without publishing anything when the object already knows the stock is too low', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const viewer = await connect(show.id);
    await viewer.next('snapshot');
    const buyer = await signUp();
    const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: buyer.token,
      body: { productId: show.product.id, quantity: 3 },
    });
    expect(hold.status).toBe(201);
    const held = await viewer.next('stock');
    expect(expectProblem(await patch(show, { stock: 2 }), 409).code).toBe('stock_reserved');
    const res = await patch(show, { stock: 7 });
    expect(res.status).toBe(200);
    const next = await viewer.next('stock');
    expect(next.seq).toBe(held.seq + 1);
    expect(next).toMatchObject({ available: 4, held: 3 });
  });

  it('corrects what viewers saw when D1 accepted the change but held more than the object knew', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 10 }] });
    const viewer = await connect(show.id);
    await viewer.next('snapshot');
    await reserveBehindTheSessionsBack(show, 3);
    const res = await patch(show, { stock: 8 });
    expect(res.status).toBe(200);
    const seen = await viewer.next('stock');
    const corrected = await viewer.next('stock');
    expect([seen.available, corrected.available]).toEqual([8, 5]);
    expect(corrected.seq).toBe(seen.seq + 1);
    expect(res.json.seq).toBe(corrected.seq);
  });
});
