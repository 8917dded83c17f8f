// The three servers `npm run bench:live` compares, each in its own process so its memory can be read alone:
// ours (the production bundle: API + session object), the bare Durable Object floor, and a Socket.IO room.
// Each returns { key, name, kind, wsUrl, pids, send(stock) → Promise, dispose() }.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { findDescendants, startMiniflareServer } from '../bench/lib/index.mjs';
import { seedShow, setStock } from './fixtures.mjs';

const postJson = (url, body) =>
  fetch(url, { method: 'POST', body: JSON.stringify(body) }).then((r) => {
    if (!r.ok) throw new Error(`${url} → ${r.status}`);
    return r.text();
  });

/**
 * Ours, served straight from workerd (Miniflare's direct socket): on Cloudflare nothing sits between the
 * edge and the Worker, while Miniflare's entry worker is a local-only hop for every frame.
 */
export async function startOurs({ port, directPort, persistTo, build }) {
  const server = await startMiniflareServer({ port, directPort, persistTo, build });
  const url = server.directUrl;
  const show = await seedShow({ url, mf: server.mf });
  const wsUrl = new URL(`/v1/live-sessions/${show.sessionId}/ws`, url);
  wsUrl.protocol = 'ws:';
  return {
    key: 'ours',
    name: 'Showroom session object (workerd)',
    kind: 'live',
    wsUrl: wsUrl.href,
    pids: server.cpuPids,
    // The host's PATCH goes through the whole API: admission (rate limit + session), the object, D1.
    send: (stock) => setStock({ url, ...show }, stock),
    dispose: () => server.dispose(),
  };
}

/** scripts/live/bare-room.worker.mjs on its own workerd, also on a direct socket. */
export async function startBare({ port, directPort }) {
  const known = new Set(findDescendants(process.pid, 'workerd'));
  const mf = new Miniflare({
    name: 'bare-room',
    modules: true,
    scriptPath: join(import.meta.dirname, 'bare-room.worker.mjs'),
    compatibilityDate: '2025-09-01',
    durableObjects: { ROOM: { className: 'BareRoom', useSQLite: true } },
    host: '127.0.0.1',
    port,
    unsafeDirectSockets: [{ host: '127.0.0.1', port: directPort }],
  });
  await mf.ready;
  const url = await mf.unsafeGetDirectURL();
  return {
    key: 'bare',
    name: 'bare Durable Object (workerd)',
    kind: 'live',
    wsUrl: `ws://${url.host}/`,
    pids: findDescendants(process.pid, 'workerd').filter((pid) => !known.has(pid)),
    send: (stock) => postJson(new URL('/update', url), { stock }),
    dispose: () => mf.dispose(),
  };
}

/** scripts/live/socketio-server.mjs: a Socket.IO room on Node, the usual alternative. */
export async function startSocketIo({ port }) {
  const child = fork(join(import.meta.dirname, 'socketio-server.mjs'), [String(port)], { stdio: 'inherit' });
  await new Promise((resolve) => child.once('message', resolve));
  return {
    key: 'sio',
    name: 'Socket.IO room (Node)',
    kind: 'socketio',
    wsUrl: `http://127.0.0.1:${port}`,
    pids: [child.pid],
    send: (stock) => postJson(`http://127.0.0.1:${port}/update`, { stock }),
    dispose: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    },
  };
}
