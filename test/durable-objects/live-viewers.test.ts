/** `viewerCount()`: the open sockets of a session, for "viewers now" on cards and the feed. */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { SessionCore } from '../../durable-objects/live/core';
import { buildSnapshot } from '../../durable-objects/live/snapshot';
import type { LiveSession } from '../../durable-objects/live-session';
import { viewersNow } from '../../src/services/live-now';
import { liveStub } from '../../src/services/live-sessions';
import { connect, liveShow } from '../helpers/live';

/** Polls until `read` returns `want` (a closing socket is counted until the runtime has closed it). */
async function eventually<T>(read: () => Promise<T>, want: T, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  let got = await read();
  while (got !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    got = await read();
  }
  return got;
}

describe('viewerCount', () => {
  it('counts open sockets, and viewersNow reports it', async () => {
    const show = await liveShow();
    const stub = liveStub(env, show.id);
    expect(await stub.viewerCount()).toBe(0);
    const viewers = await Promise.all([connect(show.id), connect(show.id), connect(show.id)]);
    await Promise.all(viewers.map((v) => v.next('snapshot')));
    expect(await stub.viewerCount()).toBe(3);
    viewers[0].ws.close(1000);
    await viewers[0].closed;
    expect(await eventually(() => stub.viewerCount(), 2)).toBe(2);
    expect(await viewersNow(env, [show.id])).toEqual(new Map([[show.id, 2]]));
  });

  it('leaves out a socket the server closed whose client has not answered, in the snapshot too', async () => {
    const show = await liveShow();
    const stub = liveStub(env, show.id);
    const watching = await connect(show.id);
    await watching.next('snapshot');
    const counted = await runInDurableObject(stub, (instance: LiveSession, state) => {
      // A client end nobody reads (as a stalled peer's): the server's close is never answered.
      const { 1: server } = new WebSocketPair();
      state.acceptWebSocket(server);
      server.close(4001, 'heartbeat timeout');
      expect(
        state
          .getWebSockets()
          .map((ws) => ws.readyState)
          .sort(),
      ).toEqual([WebSocket.OPEN, WebSocket.CLOSING]);
      const core = (instance as unknown as { core: SessionCore }).core;
      return { viewerCount: instance.viewerCount(), snapshot: buildSnapshot(core).viewers };
    });
    expect(counted).toEqual({ viewerCount: 1, snapshot: 1 });
  });

  it('is 0 for a session the object never loaded, and stores nothing', async () => {
    const stub = liveStub(env, 'liv_01jd3v8m2k9q4x7n5b6c8d0e1f');
    expect(await stub.viewerCount()).toBe(0);
    const tables = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec("select count(*) as n from sqlite_master where type = 'table'").one(),
    );
    expect(tables.n).toBe(0);
  });
});
