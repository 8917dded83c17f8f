import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT_IDLE_MS, SWEEP_EVERY_MS, sweepSilentSockets } from '../../durable-objects/live/heartbeats';
import { LiveSession } from '../../durable-objects/live-session';
import { HEARTBEAT_TIMEOUT_CLOSE, PING_FRAME } from '../../durable-objects/live-session.protocol';
import { liveStub } from '../../src/services/live-sessions';
import { call } from '../helpers/http';
import { connect, connectAs, liveShow, waitFor } from '../helpers/live';

type Stub = ReturnType<typeof liveStub>;

const sweepRow = (stub: Stub) =>
  runInDurableObject(stub, (_, state) => state.storage.sql.exec('select due from socket_sweep').toArray()[0]?.due);
const alarmAt = (stub: Stub) => runInDurableObject(stub, (_, state) => state.storage.getAlarm());
const socketCount = (stub: Stub) => runInDurableObject(stub, (_, state) => state.getWebSockets().length);

describe('heartbeats', () => {
  it('closes a socket whose pings stopped, and leaves alone sockets still pinging and those that never pinged', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
    const stub = liveStub(env, show.id);
    const silent = await connect(show.id);
    const neverPinged = await connect(show.id);
    const pinging = await connect(show.id);
    const spelledOtherwise = await connect(show.id);
    for (const v of [silent, neverPinged, pinging, spelledOtherwise]) await v.next('snapshot');
    silent.send(PING_FRAME);
    await silent.next('pong');
    await new Promise((resolve) => setTimeout(resolve, 30));
    pinging.send(PING_FRAME);
    await pinging.next('pong');
    // Not the exact frame the runtime answers: the object does, and notes it.
    spelledOtherwise.send('{ "type": "ping" }');
    await spelledOtherwise.next('pong');

    const closed = await runInDurableObject(stub, (instance: LiveSession, state) => {
      const answered = state
        .getWebSockets()
        .map((ws) => state.getWebSocketAutoResponseTimestamp(ws)?.getTime())
        .filter((at): at is number => at !== undefined);
      expect(answered).toHaveLength(2);
      const [first, last] = [Math.min(...answered), Math.max(...answered)];
      expect(last).toBeGreaterThan(first);
      // Just past the idle limit for the first pinger only.
      const now = first + HEARTBEAT_IDLE_MS + 1;
      const core = (instance as unknown as { core: Parameters<typeof sweepSilentSockets>[0] }).core;
      const count = sweepSilentSockets(core, now);
      expect(state.storage.sql.exec('select due from socket_sweep').one().due).toBe(now + SWEEP_EVERY_MS);
      return count;
    });
    expect(closed).toBe(1);
    expect(await silent.closed).toMatchObject({ code: HEARTBEAT_TIMEOUT_CLOSE });

    const res = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { stock: 29 },
    });
    expect(res.status).toBe(200);
    for (const open of [neverPinged, pinging, spelledOtherwise]) {
      expect(await open.next('stock')).toMatchObject({ available: 29 });
    }
    expect(silent.all('stock')).toHaveLength(0);
  });

  it('looks within a minute of a socket joining, again while sockets remain, and stops when none do', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
    const stub = liveStub(env, show.id);
    expect(await sweepRow(stub)).toBeUndefined();

    const before = Date.now();
    const first = await connect(show.id);
    await first.next('snapshot');
    const due = (await sweepRow(stub)) as number;
    expect(due).toBeGreaterThanOrEqual(before + SWEEP_EVERY_MS);
    expect(await alarmAt(stub)).toBe(due);

    // Due now, with a socket that never pinged: it stays, and the next look is a minute on.
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update socket_sweep set due = 0'));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const next = (await sweepRow(stub)) as number;
    expect(next).toBeGreaterThan(due - SWEEP_EVERY_MS);
    expect(await alarmAt(stub)).toBe(next);
    expect(first.ws.readyState).toBe(WebSocket.OPEN);

    // No sockets left: the look after that is the last.
    first.ws.close(1000);
    await waitFor(async () => (await socketCount(stub)) === 0, 'the object lets go of the socket');
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update socket_sweep set due = 0'));
    await runDurableObjectAlarm(stub);
    expect(await sweepRow(stub)).toBeUndefined();
    expect(await alarmAt(stub)).toBeNull();

    // The end of the show stops the looks at once.
    const late = await connect(show.id);
    await late.next('snapshot');
    expect(await sweepRow(stub)).toBeDefined();
    expect((await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token })).status).toBe(200);
    expect(await sweepRow(stub)).toBeUndefined();
    expect(await alarmAt(stub)).toBeNull();
  });
});

describe('heartbeats and other frames', () => {
  it('does not close a socket that pinged once and has sent other frames since: it is not silent', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
    const stub = liveStub(env, show.id);
    const chatty = await connect(show.id);
    await chatty.next('snapshot');
    chatty.send(PING_FRAME);
    await chatty.next('pong');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // A client that pings only when it has had nothing else to send for a while.
    chatty.send({ type: 'react', emoji: '🔥' });
    await chatty.next('reaction');

    const closed = await runInDurableObject(stub, (instance: LiveSession, state) => {
      const [ws] = state.getWebSockets();
      const pingedAt = state.getWebSocketAutoResponseTimestamp(ws)!.getTime();
      const core = (instance as unknown as { core: Parameters<typeof sweepSilentSockets>[0] }).core;
      // Past the idle limit for the ping, not for the reaction 50 ms later.
      return sweepSilentSockets(core, pingedAt + HEARTBEAT_IDLE_MS + 10);
    });
    expect(closed).toBe(0);
    expect(chatty.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('heartbeats and the viewer count', () => {
  // The alarm runs the look; so does the cron's resync of a show whose news went astray.
  const triggers = {
    'the alarm': (stub: Stub) => runDurableObjectAlarm(stub),
    'a resync by the cron': (stub: Stub) => stub.resync(),
  };
  it.each(Object.keys(triggers) as (keyof typeof triggers)[])(
    'tells the other viewers the new count when it closes a socket whose client stopped reading (%s)',
    async (trigger) => {
      const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
      const stub = liveStub(env, show.id);
      const watcher = await connectAs(show.id, show.host.token);
      await watcher.next('snapshot');
      // Never accepted: this client reads nothing, so it never answers a close and the object hears no more of it.
      const stalled = await SELF.fetch(`http://showroom.test/v1/live-sessions/${show.id}/ws`, {
        headers: { upgrade: 'websocket' },
      });
      expect(stalled.webSocket).toBeTruthy();
      const lastCount = () => watcher.all('viewers').at(-1)?.count;
      await waitFor(async () => lastCount() === 2, 'the count with both viewers');

      await runInDurableObject(stub, (_, state) => {
        for (const ws of state.getWebSockets()) {
          const who = ws.deserializeAttachment() as { userId: string | null };
          // The stalled client pinged once, long ago.
          if (who.userId === null) ws.serializeAttachment({ ...who, pingedAt: 1 });
        }
        state.storage.sql.exec('update socket_sweep set due = 0');
      });
      await triggers[trigger](stub);
      await waitFor(async () => lastCount() === 1, 'a viewers frame after the heartbeat close', 3000);
    },
    // Two counts, each held back up to a second by the coalescer: over 2 s on an idle machine, and a run
    // beside other test files once took 9 s.
    15_000,
  );
});

describe('heartbeats and a wake from hibernation', () => {
  const unansweredCloses = (stub: Stub) =>
    runInDurableObject(
      stub,
      (_, state) => state.storage.sql.exec('select count from unanswered_closes').toArray()[0]?.count,
    );

  it('marks what the look closes, as a client that never answers leaves the socket behind', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
    const stub = liveStub(env, show.id);
    const watcher = await connectAs(show.id, show.host.token);
    await watcher.next('snapshot');
    // Never accepted: this client reads nothing, so it never answers the close.
    await SELF.fetch(`http://showroom.test/v1/live-sessions/${show.id}/ws`, { headers: { upgrade: 'websocket' } });
    await waitFor(async () => (await stub.viewerCount()) === 2, 'both viewers counted');

    await runInDurableObject(stub, (_, state) => {
      for (const ws of state.getWebSockets()) {
        const who = ws.deserializeAttachment() as { userId: string | null };
        if (who.userId === null) ws.serializeAttachment({ ...who, pingedAt: 1 });
      }
      state.storage.sql.exec('update socket_sweep set due = 0');
    });
    await runDurableObjectAlarm(stub);

    const left = await runInDurableObject(stub, (_, state) =>
      state.getWebSockets().map((ws) => ({ ...(ws.deserializeAttachment() as object), open: ws.readyState === 1 })),
    );
    expect(left).toHaveLength(2);
    expect(left.find((s) => 'closedAt' in s)).toMatchObject({ userId: null, open: false });
    expect(await unansweredCloses(stub)).toBe(1);
    expect(await stub.viewerCount()).toBe(1);

    // The next look leaves the closing socket alone: it is not closed, or counted, twice.
    await runInDurableObject(stub, (_, state) => state.storage.sql.exec('update socket_sweep set due = 0'));
    await runDurableObjectAlarm(stub);
    expect(await unansweredCloses(stub)).toBe(1);
  });

  it('closes again, on waking, a socket the look closed that workerd reports open, so it is not counted', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 30 }] });
    const stub = liveStub(env, show.id);
    const watcher = await connectAs(show.id, show.host.token);
    const abandoned = await connect(show.id);
    for (const v of [watcher, abandoned]) await v.next('snapshot');

    // What a wake may hand back: the socket the look closed, open again, with the mark the look left.
    const counted = await runInDurableObject(stub, (instance: LiveSession, state) => {
      for (const ws of state.getWebSockets()) {
        const who = ws.deserializeAttachment() as { userId: string | null };
        if (who.userId === null) ws.serializeAttachment({ ...who, closedAt: 1 });
      }
      state.storage.sql.exec('insert into unanswered_closes (id, count) values (1, 1)');
      const before = instance.viewerCount();
      // The object as the runtime constructs it when it wakes.
      new LiveSession(state, env);
      return { before, after: instance.viewerCount() };
    });
    expect(counted).toEqual({ before: 2, after: 1 });
    expect(await abandoned.closed).toMatchObject({ code: HEARTBEAT_TIMEOUT_CLOSE });
    expect(watcher.ws.readyState).toBe(WebSocket.OPEN);
    expect(await unansweredCloses(stub)).toBe(1);

    // Its client answered at last: the next wake finds none, and later wakes read no attachments.
    await waitFor(async () => (await socketCount(stub)) === 1, 'the object lets go of the answered socket');
    await runInDurableObject(stub, (_, state) => new LiveSession(state, env));
    expect(await unansweredCloses(stub)).toBeUndefined();
  });
});
