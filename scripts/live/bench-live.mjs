// `npm run bench:live`: delivery of host updates to N live viewers, ours against a Socket.IO room on Node.
// Ours: the production bundle on workerd via Miniflare's Node API (no dev proxy), one session, viewers on
// GET …/ws; the host PATCHes stock (written to D1, logged, broadcast). Socket.IO: a room broadcast on Node,
// triggered by an HTTP POST. Same viewer processes (two, sockets split between them), same updates.
// Prints latency host request → each viewer's receipt, time until the last viewer has each update, lost and
// out-of-order deliveries, server memory per viewer, and our figures as ratios to Socket.IO's.
// Bounded: ~1–2 minutes. Env: SIZES (default 1000,5000), UPDATES (20), LIVE_PORT (8832), SIO_PORT (8833).
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, root, startMiniflareServer } from '../bench/lib/index.mjs';
import { seedShow, setStock } from './fixtures.mjs';

const sizes = (process.env.SIZES ?? '1000,5000').split(',').map(Number);
const updates = Number(process.env.UPDATES ?? 20);
const warmup = 3;
const intervalMs = 250;
const livePort = Number(process.env.LIVE_PORT ?? 8832);
const sioPort = Number(process.env.SIO_PORT ?? 8833);
const persistTo = join(root, '.wrangler', 'bench-live-state');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const guard = setTimeout(() => {
  console.error('bench:live took longer than 5 minutes; giving up');
  process.exit(1);
}, 300_000);

const rssKiB = (pids) =>
  pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]), 0);
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** A viewer process with its file-descriptor limit raised to the hard limit (thousands of sockets). */
function viewerProcess() {
  const script = join(import.meta.dirname, 'bench-viewers.mjs');
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" "${script}"`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m.type === 'error') reject(new Error(m.message));
        else if (m.type === type) {
          child.off('message', onMessage);
          resolve(m);
        }
      };
      child.on('message', onMessage);
    });
  return { child, next };
}

async function measure({ kind, wsUrl, count, serverPids, send }) {
  const before = rssKiB(serverPids);
  const procs = [viewerProcess(), viewerProcess()];
  const connectStart = Date.now();
  for (const [i, p] of procs.entries()) {
    p.child.send({ type: 'connect', kind, url: wsUrl, count: Math.floor(count / 2) + (i ? count % 2 : 0) });
  }
  await Promise.all(procs.map((p) => p.next('ready')));
  const connectMs = Date.now() - connectStart;
  await sleep(1000);
  const memoryPerViewerKiB = (rssKiB(serverPids) - before) / count;
  const sentAt = new Map();
  const acks = [];
  for (let k = 1; k <= warmup + updates; k++) {
    const id = 500_000 + k;
    const t0 = now();
    await send(id);
    if (k > warmup) {
      sentAt.set(id, t0);
      acks.push(now() - t0);
    }
    await sleep(intervalMs);
  }
  await sleep(1000);
  const viewers = [];
  for (const p of procs) {
    p.child.send({ type: 'collect' });
    viewers.push(...(await p.next('results')).viewers);
    p.child.send({ type: 'close' });
  }
  const all = [];
  const lastViewer = new Map([...sentAt.keys()].map((id) => [id, 0]));
  let received = 0;
  let outOfOrder = 0;
  for (const v of viewers) {
    outOfOrder += v.outOfOrder;
    for (let i = 0; i < v.received.length; i += 2) {
      const t0 = sentAt.get(v.received[i]);
      if (t0 === undefined) continue;
      const ms = v.received[i + 1] - t0;
      all.push(ms);
      received += 1;
      lastViewer.set(v.received[i], Math.max(lastViewer.get(v.received[i]), ms));
    }
  }
  all.sort((a, b) => a - b);
  const last = [...lastViewer.values()].sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    viewers: viewers.length,
    ackP50: pct(acks, 50),
    connectMs,
    p50: pct(all, 50),
    p95: pct(all, 95),
    p99: pct(all, 99),
    max: all.at(-1),
    lastP50: pct(last, 50),
    lastP95: pct(last, 95),
    lastMax: last.at(-1),
    lost: viewers.length * sentAt.size - received,
    outOfOrder,
    memoryPerViewerKiB,
  };
}

async function socketIoServer() {
  const child = fork(join(import.meta.dirname, 'socketio-server.mjs'), [String(sioPort)], { stdio: 'inherit' });
  await new Promise((resolve) => child.once('message', resolve));
  return child;
}

applyMigrations(persistTo);
const server = await startMiniflareServer({ port: livePort, persistTo });
const results = [];
try {
  for (const count of sizes) {
    const show = await seedShow({ url: server.url, mf: server.mf });
    const wsUrl = `ws://127.0.0.1:${livePort}/v1/live-sessions/${show.sessionId}/ws`;
    const ours = await measure({
      kind: 'live',
      wsUrl,
      count,
      serverPids: server.cpuPids,
      send: (stock) => setStock({ url: server.url, ...show }, stock),
    });
    const sio = await socketIoServer();
    const theirs = await measure({
      kind: 'socketio',
      wsUrl: `http://127.0.0.1:${sioPort}`,
      count,
      serverPids: [sio.pid],
      send: (stock) =>
        fetch(`http://127.0.0.1:${sioPort}/update`, { method: 'POST', body: JSON.stringify({ stock }) }).then((r) =>
          r.text(),
        ),
    });
    sio.kill();
    results.push({ count, ours, theirs });
    await sleep(500);
  }
} finally {
  await server.dispose();
  clearTimeout(guard);
}

const ms = (v) => (v === undefined ? 'n/a' : v.toFixed(1));
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
console.log(
  `\n## bench:live — ${updates} host updates ${intervalMs} ms apart (after ${warmup} warm-up), ${new Date().toISOString()}\n`,
);
console.log(
  '| viewers | server | latency p50 / p95 / p99 / max (ms) | last viewer p50 / p95 / max (ms) | lost | out of order | memory / viewer | host request p50 | connect all |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const { count, ours, theirs } of results) {
  for (const [name, r] of [
    ['Durable Object (workerd)', ours],
    ['Socket.IO room (Node)', theirs],
  ]) {
    console.log(
      `| ${count} | ${name} | ${ms(r.p50)} / ${ms(r.p95)} / ${ms(r.p99)} / ${ms(r.max)} | ${ms(r.lastP50)} / ${ms(r.lastP95)} / ${ms(r.lastMax)} | ${r.lost} | ${r.outOfOrder} | ${r.memoryPerViewerKiB.toFixed(1)} KiB | ${ms(r.ackP50)} ms | ${r.connectMs} ms |`,
    );
  }
}
console.log(
  '\n| viewers | last-viewer p95 ours ÷ Socket.IO (target ≤ 1.0×) | latency p95 ratio | memory / viewer (target ≤ 30 KB) | zero lost & reordered |',
);
console.log('|---|---|---|---|---|');
for (const { count, ours, theirs } of results) {
  const clean = ours.lost === 0 && ours.outOfOrder === 0;
  console.log(
    `| ${count} | ${ratio(ours.lastP95, theirs.lastP95)} | ${ratio(ours.p95, theirs.p95)} | ${ours.memoryPerViewerKiB.toFixed(1)} KiB | ${clean ? 'yes' : 'NO'} |`,
  );
}
