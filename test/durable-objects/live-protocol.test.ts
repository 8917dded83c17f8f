import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { Limits, REACTIONS_EVERY_MS } from '../../durable-objects/live/sockets';
import { ClientMessage, MAX_FRAME_BYTES, ServerMessage } from '../../durable-objects/live-session.protocol';
import { call } from '../helpers/http';
import { connect, liveShow, waitFor } from '../helpers/live';

function patch(show: Awaited<ReturnType<typeof liveShow>>, body: unknown) {
  return call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, { token: show.host.token, body });
}

describe('the WebSocket protocol', () => {
  it('sends a snapshot first, then every event with epoch and seq + 1, all valid protocol messages', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewer = await connect(show.id);
    const snapshot = await viewer.next();
    expect(snapshot).toMatchObject({ type: 'snapshot', seq: 1, you: { userId: null, host: false } });
    expect(snapshot.session).toMatchObject({
      status: 'live',
      products: [{ productId: show.product.id, pinned: false }],
    });
    const res = await patch(show, { pinned: true, price: { amount: 900, currency: 'USD' }, stock: 8 });
    expect(res.json.seq).toBe(4);
    const pin = await viewer.next('pin');
    const price = await viewer.next('price');
    const stock = await viewer.next('stock');
    expect([pin.seq, price.seq, stock.seq]).toEqual([2, 3, 4]);
    expect(new Set([pin.epoch, price.epoch, stock.epoch, snapshot.epoch]).size).toBe(1);
    expect(price).toMatchObject({ productId: show.product.id, price: { amount: 900, currency: 'USD' } });
    expect(stock).toMatchObject({ available: 8, held: 0, sold: 0 });
    expect(typeof stock.at).toBe('number');
    for (const frame of viewer.frames) expect(ServerMessage.safeParse(frame).success).toBe(true);
  });

  it('keeps many sockets on one session in the same order', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 50 }] });
    const viewers = await Promise.all(Array.from({ length: 25 }, () => connect(show.id)));
    await Promise.all(viewers.map((v) => v.next('snapshot')));
    for (let i = 0; i < 5; i++) await patch(show, { stock: 40 + i });
    const seqs = await Promise.all(
      viewers.map(async (v) => {
        const got = [];
        for (let i = 0; i < 5; i++) got.push((await v.next('stock')).seq);
        return got;
      }),
    );
    for (const s of seqs) expect(s).toEqual([2, 3, 4, 5, 6]);
    // Counts are coalesced: on a loaded machine the joins may span several flushes, so a first `viewers`
    // frame may say fewer; the count must reach 25 and never exceed it.
    let counts = await viewers[0].next('viewers');
    while (counts.count < 25) counts = await viewers[0].next('viewers');
    expect(counts.count).toBe(25);
  });

  it('replays what a reconnecting client missed after lastSeq, or sends a snapshot for another epoch', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 50 }] });
    const first = await connect(show.id);
    const snap = await first.next('snapshot');
    first.ws.close(1000);
    for (let i = 0; i < 3; i++) await patch(show, { stock: 10 + i });
    const resumed = await connect(show.id);
    await resumed.next('snapshot');
    resumed.send({ type: 'hello', lastSeq: snap.seq, epoch: snap.epoch });
    const replayed = [await resumed.next('stock'), await resumed.next('stock'), await resumed.next('stock')];
    expect(replayed.map((e) => [e.seq, e.available])).toEqual([
      [2, 10],
      [3, 11],
      [4, 12],
    ]);
    // Resuming in the URL skips the snapshot altogether.
    const direct = await connect(show.id, `?lastSeq=2&epoch=${snap.epoch}`);
    expect((await direct.next()).seq).toBe(3);
    expect((await direct.next()).seq).toBe(4);
    expect(direct.all('snapshot')).toHaveLength(0);
    // Another epoch (history not kept) or a seq from the future: a fresh snapshot.
    resumed.send({ type: 'hello', lastSeq: 1, epoch: snap.epoch + 1 });
    expect((await resumed.next('snapshot')).seq).toBe(4);
    resumed.send({ type: 'hello', lastSeq: 99 });
    expect((await resumed.next('snapshot')).seq).toBe(4);
  });

  it('answers bad, unknown and oversized frames with an error, leaving other viewers alone', async () => {
    const show = await liveShow();
    const bad = await connect(show.id);
    const good = await connect(show.id);
    await bad.next('snapshot');
    await good.next('snapshot');
    bad.send('not json');
    expect(await bad.next('error')).toMatchObject({ code: 'bad_frame' });
    bad.send({ type: 'teleport' });
    expect(await bad.next('error')).toMatchObject({ code: 'bad_frame' });
    bad.send({ type: 'hello', lastSeq: -1 });
    expect(await bad.next('error')).toMatchObject({ code: 'bad_frame' });
    bad.send({ type: 'chat', text: 'x'.repeat(MAX_FRAME_BYTES) });
    expect(await bad.next('error')).toMatchObject({ code: 'frame_too_large' });
    bad.ws.send(new Uint8Array([1, 2, 3]));
    expect(await bad.next('error')).toMatchObject({ code: 'bad_frame' });
    bad.send({ type: 'ping' });
    expect(await bad.next('pong')).toEqual({ type: 'pong' });
    await patch(show, { pinned: true });
    expect(await good.next('pin')).toMatchObject({ seq: 2 });
    expect(await bad.next('pin')).toMatchObject({ seq: 2 });
    expect(good.all('error')).toHaveLength(0);
  });

  it('throttles a flooding socket without affecting others, telling it so at most once a second', async () => {
    const show = await liveShow();
    const flooder = await connect(show.id);
    const calm = await connect(show.id);
    await flooder.next('snapshot');
    await calm.next('snapshot');
    const frames = 100;
    const started = Date.now();
    for (let i = 0; i < frames; i++) flooder.send({ type: 'react', emoji: '🔥' });
    // Frames are handled in order: once a ping sent a second later (the bucket has refilled) is answered,
    // the flood has been handled, and a reaction flush later every accepted frame is counted.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    flooder.send('{ "type": "ping" }');
    await flooder.next('pong', 10_000);
    await new Promise((resolve) => setTimeout(resolve, REACTIONS_EVERY_MS + 100));
    const elapsedS = (Date.now() - started) / 1000;
    const accepted = calm.all('reaction').reduce((n, r) => n + (r.counts['🔥'] ?? 0), 0);
    // The bucket: 20 at once, then 20 a second, over no more than the time the test saw pass.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(frames);
    expect(accepted).toBeLessThanOrEqual(20 + Math.floor(20 * elapsedS));
    // Refused frames are told about, but not one answer each: a flood never read must not grow its queue.
    const errors = flooder.all('error');
    expect(errors.every((e) => e.code === 'rate_limited')).toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(1 + Math.floor(elapsedS));
    expect(calm.all('error')).toHaveLength(0);
  });

  it('a viewer that stops reading holds up no one, and gets every event in order once it reads again', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 500 }] });
    const reader = await connect(show.id);
    await reader.next('snapshot');
    // Never accepted until the end: the object's frames to it queue in the runtime, unread.
    const stalled = await SELF.fetch(`http://showroom.test/v1/live-sessions/${show.id}/ws`, {
      headers: { upgrade: 'websocket' },
    });
    const updates = 60;
    for (let i = 1; i <= updates; i++) {
      expect((await patch(show, { stock: 500 - i })).status).toBe(200);
      // The reading viewer has each update before the host sends the next.
      expect(await reader.next('stock', 2000)).toMatchObject({ available: 500 - i });
    }
    const ws = stalled.webSocket!;
    const seqs: number[] = [];
    ws.addEventListener('message', (e) => {
      const { seq } = JSON.parse(e.data as string);
      if (seq !== undefined) seqs.push(seq); // the snapshot and events; viewer counts carry no seq
    });
    ws.accept();
    await waitFor(async () => seqs.length === updates + 1, 'the stalled viewer catches up');
    expect(seqs).toEqual(Array.from({ length: updates + 1 }, (_, i) => seqs[0] + i));
    ws.close();
  });

  it('lets a socket send 20 frames at once, then 20 a second', () => {
    const limits = new Limits();
    const [ws, other] = Object.values(new WebSocketPair());
    const burst = Array.from({ length: 25 }, () => limits.allowFrame(ws, 1_000));
    expect(burst.filter(Boolean)).toHaveLength(20);
    expect(limits.allowFrame(other, 1_000)).toBe(true); // per socket
    expect(limits.allowFrame(ws, 1_040)).toBe(false); // 0.8 of a token back
    expect(limits.allowFrame(ws, 1_050)).toBe(true);
    expect(limits.allowFrame(ws, 1_050)).toBe(false);
    const afterASecond = Array.from({ length: 25 }, () => limits.allowFrame(ws, 2_050));
    expect(afterASecond.filter(Boolean)).toHaveLength(20);
  });

  it('tells a socket it is throttled at most once a second', () => {
    const limits = new Limits();
    const [ws, other] = Object.values(new WebSocketPair());
    expect(limits.shouldWarn(ws, 1_000)).toBe(true);
    expect(limits.shouldWarn(ws, 1_999)).toBe(false);
    expect(limits.shouldWarn(other, 1_500)).toBe(true); // per socket
    expect(limits.shouldWarn(ws, 2_000)).toBe(true);
    expect(limits.shouldWarn(ws, 2_500)).toBe(false);
  });
  it('takes one emoji as a reaction, not digits, invisible joiners or a row of emoji', () => {
    const react = (emoji: string) => ClientMessage.safeParse({ type: 'react', emoji }).success;
    for (const one of ['🔥', '❤️', '❤', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', '1️⃣', '#⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) {
      expect(react(one), one).toBe(true);
    }
    for (const other of ['1234', '#*#*', '0000000000000000', '🔥🔥🔥🔥', '\u200d', '\ufe0f', '🏽', '🇫', 'a']) {
      expect(react(other), JSON.stringify(other)).toBe(false);
    }
  });
});
