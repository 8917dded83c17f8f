/**
 * Live-session fixtures: a creator with products and a session, and WebSocket viewers that record every
 * frame so tests can wait for the next message of a type.
 */
import { env, runInDurableObject, SELF } from 'cloudflare:test';
import type { ServerMessage } from '../../durable-objects/live-session.protocol';
import { liveStub } from '../../src/services/live-sessions';
import { insertProduct } from './catalog';
import { call } from './http';
import { signUp } from './users';

export async function liveShow(
  options: { variants?: { price: number; stock: number }[]; products?: number; start?: boolean } = {},
) {
  const host = await signUp('creator');
  const products = [];
  for (let i = 0; i < (options.products ?? 1); i++) {
    products.push(await insertProduct({ creatorId: host.id, title: `Item ${i}`, variants: options.variants }));
  }
  const created = await call('POST', '/v1/live-sessions', {
    token: host.token,
    body: { title: 'Test show', productIds: products.map((p) => p.id) },
  });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const id = created.json.id as string;
  if (options.start !== false) {
    const started = await call('POST', `/v1/live-sessions/${id}/start`, { token: host.token });
    if (started.status !== 200) throw new Error(`start failed: ${started.status} ${started.text}`);
  }
  return { id, host, products, product: products[0] };
}

/** A received frame; tests read arbitrary fields (ServerMessage checks the shape where it matters). */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
export type Frame = { type: ServerMessage['type']; seq: number; epoch: number; [key: string]: any };

export interface Viewer {
  ws: WebSocket;
  frames: Frame[];
  /** Resolves with the next not-yet-taken frame of `type` (any type when omitted). */
  next(type?: string, timeoutMs?: number): Promise<Frame>;
  /** Frames of a type received so far. */
  all(type: string): Frame[];
  send(frame: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(sessionId: string, query = ''): Promise<Viewer> {
  const res = await SELF.fetch(`http://showroom.test/v1/live-sessions/${sessionId}/ws${query}`, {
    headers: { upgrade: 'websocket' },
  });
  const ws = res.webSocket;
  if (!ws) throw new Error(`no websocket: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: Frame[] = [];
  const taken = new Set<number>();
  const waiters: (() => void)[] = [];
  ws.addEventListener('message', (event) => {
    frames.push(JSON.parse(event.data as string));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })),
  );
  const viewer: Viewer = {
    ws,
    frames,
    all: (type) => frames.filter((f) => f.type === type),
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    closed,
    async next(type, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = frames.findIndex((f, i) => !taken.has(i) && (!type || f.type === type));
        if (index >= 0) {
          taken.add(index);
          return frames[index];
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${type ?? 'frame'} within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
  return viewer;
}

export async function ticketFor(sessionId: string, token: string) {
  const res = await call('POST', `/v1/live-sessions/${sessionId}/tickets`, { token });
  if (res.status !== 201) throw new Error(`ticket failed: ${res.status} ${res.text}`);
  return res.json.ticket as string;
}

/** A viewer's hold (claim) of units of a shown product, through the API; its id. */
export async function hold(sessionId: string, token: string, productId: string, quantity = 1) {
  const res = await call('POST', `/v1/live-sessions/${sessionId}/holds`, { token, body: { productId, quantity } });
  if (res.status !== 201) throw new Error(`hold failed ${res.status} ${res.text}`);
  return res.json.id as string;
}

/** A signed-in viewer's socket (ticket first). */
export async function connectAs(sessionId: string, token: string, query = '') {
  const ticket = await ticketFor(sessionId, token);
  return connect(sessionId, `?ticket=${encodeURIComponent(ticket)}${query ? `&${query}` : ''}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it holds, for state no frame announces (a mute landing in the object's storage);
 * waits for the condition rather than a fixed time, so a loaded machine only makes it slower.
 */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/**
 * The object's alarm, and when it next looks for silent sockets (heartbeats.ts; undefined without sockets):
 * with viewers connected, the alarm is at whichever of that and the show's own due items comes first.
 */
export function alarmOf(stub: DurableObjectStub) {
  return runInDurableObject(stub, async (_, state) => ({
    alarm: await state.storage.getAlarm(),
    sweepDue: state.storage.sql.exec<{ due: number }>('select due from socket_sweep').toArray()[0]?.due,
  }));
}

/**
 * Makes one session object's own SQLite fail for real (the table is away) until `restoreTable`: how tests show
 * what happens when an object cannot do its part.
 */
export const breakTable = (sessionId: string, table: string) =>
  runInDurableObject(liveStub(env, sessionId), (_, state) =>
    state.storage.sql.exec(`alter table ${table} rename to ${table}_away`),
  );
export const restoreTable = (sessionId: string, table: string) =>
  runInDurableObject(liveStub(env, sessionId), (_, state) =>
    state.storage.sql.exec(`alter table ${table}_away rename to ${table}`),
  );
