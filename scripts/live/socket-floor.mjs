// `npm run bench:live:floor`: the runtime's own memory per WebSocket, the floor under `npm run bench:live`'s
// "memory per viewer". For each way of holding a socket (socket-floor.worker.mjs) a fresh workerd gets
// VIEWERS sockets, then VIEWERS more; the second batch's growth of the process's RSS is the steady cost
// per socket (the first also pays for allocator pools that later sockets reuse). Loopback only, bounded.
// Env: VIEWERS (3000), FLOOR_PORT (8846, +1 direct).
import { readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import WebSocket from 'ws';
import { findDescendants } from '../bench/lib/index.mjs';

const viewers = Number(process.env.VIEWERS ?? 3000);
const port = Number(process.env.FLOOR_PORT ?? 8846);
const settle = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssKiB = (pids) =>
  pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]), 0);

/** A WebSocket, held from its first frame on. */
function openWebSocket(url, sockets) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push({ close: () => ws.terminate() });
  return new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
}

/** A keep-alive HTTP/1.1 connection, held idle after its one response. */
function openHttp(url, sockets) {
  const { hostname, port, pathname } = new URL(url);
  const socket = connectTcp(Number(port), hostname, () =>
    socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`),
  );
  sockets.push({ close: () => socket.destroy() });
  return new Promise((resolve, reject) => {
    socket.once('data', resolve);
    socket.once('error', reject);
  });
}

/** Opens `count` connections, 100 at a time. */
async function connect(url, count, sockets) {
  const open = url.startsWith('ws:') ? openWebSocket : openHttp;
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, () => open(url, sockets)));
  }
}

async function measure(path) {
  const known = new Set(findDescendants(process.pid, 'workerd'));
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(import.meta.dirname, 'socket-floor.worker.mjs'),
    compatibilityDate: '2025-09-01',
    durableObjects: { ROOM: { className: 'Room', useSQLite: true } },
    host: '127.0.0.1',
    port,
    unsafeDirectSockets: [{ host: '127.0.0.1', port: port + 1 }],
  });
  const sockets = [];
  try {
    await mf.ready;
    const scheme = path === '/http' ? 'http' : 'ws';
    const url = `${scheme}://${(await mf.unsafeGetDirectURL()).host}${path}`;
    const pids = findDescendants(process.pid, 'workerd').filter((pid) => !known.has(pid));
    await connect(url, 50, sockets);
    await settle(1000);
    const start = rssKiB(pids);
    await connect(url, viewers, sockets);
    await settle(2000);
    const first = rssKiB(pids);
    await connect(url, viewers, sockets);
    await settle(2000);
    const second = rssKiB(pids);
    return { path, first: (first - start) / viewers, second: (second - first) / viewers };
  } finally {
    for (const socket of sockets) socket.close();
    await mf.dispose();
  }
}

const rows = [];
for (const path of ['/http', '/worker', '/object', '/object-plain']) rows.push(await measure(path));
console.log(`\nworkerd RSS growth per connection, ${viewers} connections then ${viewers} more (KiB):\n`);
console.log('| held by | first batch | second batch |\n|---|---|---|');
for (const r of rows) console.log(`| \`${r.path}\` | ${r.first.toFixed(1)} | ${r.second.toFixed(1)} |`);
