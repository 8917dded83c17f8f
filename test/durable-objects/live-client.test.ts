import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { LiveClient, type SocketLike } from '../../src/live-client';
import { liveStub } from '../../src/services/live-sessions';
import { call } from '../helpers/http';
import { liveShow, sleep, ticketFor } from '../helpers/live';
import { signUp } from '../helpers/users';

/**
 * A WebSocket over SELF.fetch (the test runs inside workerd), optionally dropping some frames: `drop` gets
 * each frame, its index on this socket, and which socket this is (1 for the first one made).
 */
function selfSocket(drop: (frame: string, index: number, socket: number) => boolean = () => false) {
  let made = 0;
  return class SelfSocket implements SocketLike {
    readyState = 0;
    onopen: SocketLike['onopen'] = null;
    onmessage: SocketLike['onmessage'] = null;
    onclose: SocketLike['onclose'] = null;
    onerror: SocketLike['onerror'] = null;
    private ws: WebSocket | undefined;
    private received = 0;
    private readonly number = ++made;
    constructor(url: string) {
      void SELF.fetch(url.replace(/^ws/, 'http'), { headers: { upgrade: 'websocket' } }).then((res) => {
        const ws = res.webSocket;
        if (!ws) {
          this.readyState = 3;
          return this.onclose?.({ code: 1006, reason: String(res.status) });
        }
        ws.accept();
        this.ws = ws;
        this.readyState = 1;
        this.onopen?.({});
        ws.addEventListener('message', (e) => {
          if (!drop(e.data as string, this.received++, this.number)) this.onmessage?.({ data: e.data });
        });
        ws.addEventListener('close', (e) => {
          this.readyState = 3;
          this.onclose?.({ code: e.code, reason: e.reason });
        });
      });
    }
    send(data: string) {
      this.ws?.send(data);
    }
    close(code?: number, reason?: string) {
      this.ws?.close(code, reason);
    }
  };
}

async function until(check: () => boolean, what: string, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function serverState(id: string) {
  const { json } = await call('GET', `/v1/live-sessions/${id}`);
  return { seq: json.seq, session: { ...json.session, viewers: 0 } };
}

describe('LiveClient', () => {
  it('applies events, resumes after going_away without a new snapshot, and ends in the server’s state', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 20 }] });
    const client = new LiveClient({ baseUrl: 'http://showroom.test', sessionId: show.id, WebSocket: selfSocket() });
    client.connect();
    await until(() => client.seq === 1, 'snapshot');
    const patch = (body: unknown) =>
      call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, { token: show.host.token, body });
    await patch({ stock: 15, pinned: true });
    await until(() => client.seq === 3, 'events');
    await liveStub(env, show.id).goingAway(50);
    await patch({ price: { amount: 700, currency: 'USD' } }); // while the client is away
    await until(() => client.seq === 4 && client.status === 'open', 'resume');
    expect(client.stats).toMatchObject({ snapshots: 1, gaps: 0, reconnects: 1 });
    expect({ seq: client.seq, session: { ...client.state, viewers: 0 } }).toEqual(await serverState(show.id));
    client.close();
  });

  it('detects a gap and fills it with a replay', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 20 }] });
    // Lose the second stock event on the wire (once: the replay brings it back).
    let lost = false;
    const Socket = selfSocket((frame) => {
      if (lost || !frame.includes('"available":12')) return false;
      lost = true;
      return true;
    });
    const client = new LiveClient({ baseUrl: 'http://showroom.test', sessionId: show.id, WebSocket: Socket });
    client.connect();
    await until(() => client.seq === 1, 'snapshot');
    for (const stock of [11, 12, 13]) {
      await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
        token: show.host.token,
        body: { stock },
      });
    }
    await until(() => client.seq === 4, 'gap filled');
    expect(client.stats.gaps).toBe(1);
    expect(client.state?.products[0].variants[0].available).toBe(13);
    expect({ seq: client.seq, session: { ...client.state, viewers: 0 } }).toEqual(await serverState(show.id));
    client.close();
  });

  it('fills a second gap found within a second of the first, with no later event to reveal it', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 20 }] });
    // Lose the first copy of two stock events; hellos are at most one a second, so the second gap waits.
    const lost = new Set<string>();
    const Socket = selfSocket((frame) => {
      const which = ['"available":12', '"available":15'].find((mark) => frame.includes(mark) && !lost.has(mark));
      if (which) lost.add(which);
      return which !== undefined;
    });
    const client = new LiveClient({ baseUrl: 'http://showroom.test', sessionId: show.id, WebSocket: Socket });
    client.connect();
    await until(() => client.seq === 1, 'snapshot');
    for (const stock of [11, 12, 13, 14, 15, 16]) {
      await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
        token: show.host.token,
        body: { stock },
      });
    }
    await until(() => client.seq === 7, 'both gaps filled');
    expect(client.stats.gaps).toBe(2);
    expect({ seq: client.seq, session: { ...client.state, viewers: 0 } }).toEqual(await serverState(show.id));
    client.close();
  });

  it('pings, and replaces a connection from which nothing arrives any more, resuming where it was', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 20 }] });
    // From `dead` on, the first connection delivers nothing (a link gone without a close); later ones work.
    let dead = false;
    const client = new LiveClient({
      baseUrl: 'http://showroom.test',
      sessionId: show.id,
      WebSocket: selfSocket((_, __, socket) => dead && socket === 1),
      heartbeat: { everyMs: 40, timeoutMs: 60 },
      backoff: { initialMs: 40 },
    });
    client.connect();
    await until(() => client.seq === 1 && client.status === 'open', 'snapshot');
    // Several beats on a live connection: each ping is answered (by the runtime: the exact ping frame).
    await sleep(400);
    expect(client.stats).toMatchObject({ connects: 1, deadConnections: 0 });
    const answered = await runInDurableObject(liveStub(env, show.id), (_, state) =>
      state.getWebSockets().map((ws) => state.getWebSocketAutoResponseTimestamp(ws)),
    );
    expect(answered).toHaveLength(1);
    expect(answered[0]).toBeInstanceOf(Date);

    dead = true;
    await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { stock: 15 },
    });
    await until(() => client.seq === 2 && client.status === 'open', 'a new connection with the missed event');
    expect(client.stats).toMatchObject({ deadConnections: 1, reconnects: 1, snapshots: 1, gaps: 0 });
    expect(client.state?.products[0].variants[0].available).toBe(15);
    expect({ seq: client.seq, session: { ...client.state, viewers: 0 } }).toEqual(await serverState(show.id));
    client.close();
  });

  it('stops at the end of the show', async () => {
    const show = await liveShow();
    // A short back-off, so a wrong reconnect would come within 40 ms: 400 ms of quiet proves there was none.
    const client = new LiveClient({
      baseUrl: 'http://showroom.test',
      sessionId: show.id,
      WebSocket: selfSocket(),
      backoff: { initialMs: 40 },
    });
    client.connect();
    await until(() => client.seq === 1, 'snapshot');
    await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token });
    await until(() => client.status === 'ended', 'ended');
    await sleep(400);
    expect(client.stats.reconnects).toBe(0);
    expect(client.state?.summary).toMatchObject({ unitsSold: 0 });
  });

  it('stops when the account it watches as is erased, rather than asking for tickets the server refuses', async () => {
    const show = await liveShow();
    const viewer = await signUp();
    let tickets = 0;
    const client = new LiveClient({
      baseUrl: 'http://showroom.test',
      sessionId: show.id,
      WebSocket: selfSocket(),
      backoff: { initialMs: 40 },
      getTicket: () => {
        tickets += 1;
        return ticketFor(show.id, viewer.token);
      },
    });
    client.connect();
    await until(() => client.seq === 1, 'snapshot');
    expect((await call('DELETE', '/v1/me', { token: viewer.token })).status).toBe(204);
    await until(() => client.status === 'closed', 'closed');
    await sleep(400);
    expect({ tickets, reconnects: client.stats.reconnects }).toEqual({ tickets: 1, reconnects: 0 });
  });
});
