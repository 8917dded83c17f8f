// `npm run bench:live`: delivery of host updates to N live viewers. Three servers get the same viewers and
// the same updates: ours (the production bundle on workerd through Miniflare's Node API: the host PATCHes
// stock through the whole API, the session object writes D1, logs and broadcasts), the bare Durable Object
// floor (scripts/live/bare-room.worker.mjs) and a Socket.IO room on Node (the usual alternative). Viewers are
// `ws` / socket.io-client sockets split over two load processes. Updates go round-robin (ours, bare,
// Socket.IO, ours, …), so drift on the machine lands on all three alike.
// Prints, per server: latency host request → each viewer's receipt, time until the first and the last
// viewer had each update, lost and out-of-order deliveries, memory per viewer, host request time; then our
// figures as ratios to Socket.IO's and to the bare object's.
// Bounded: ~3–4 minutes. Env: SIZES (1000,5000), UPDATES (100), INTERVAL_MS (200), ports LIVE_PORT (8832;
// +1 direct), BARE_PORT (8834; +1 direct), SIO_PORT (8836), LIVE_STATE (see below), LIVE_TRACE=1 (each
// update's first- and last-viewer latency, in order, to find pauses).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, root } from '../bench/lib/index.mjs';
import { printReport, summarize } from './bench-live-report.mjs';
import { startBare, startOurs, startSocketIo } from './bench-live-servers.mjs';

const sizes = (process.env.SIZES ?? '1000,5000').split(',').map(Number);
// 100, not fewer: the target is the last viewer's p95 over updates, and with 40 that is the second-slowest
// update of the run, which swung ±30 % from run to run; with 100 it is the fifth-slowest.
const updates = Number(process.env.UPDATES ?? 100);
const warmup = 3;
const intervalMs = Number(process.env.INTERVAL_MS ?? 200);
const livePort = Number(process.env.LIVE_PORT ?? 8832);
const barePort = Number(process.env.BARE_PORT ?? 8834);
const sioPort = Number(process.env.SIO_PORT ?? 8836);
// Our storage (D1 and the object's SQLite) on tmpfs where there is one: on Cloudflare a write is made durable
// by replication, not by an fsync of this VM's disk on the object's own thread. Here those fsyncs stalled
// broadcasts for 30–190 ms now and then (one run: 2.95× Socket.IO on disk, 1.04× on tmpfs). The bare
// object persists nothing. LIVE_STATE=<dir> puts the state elsewhere, e.g. on disk to see the difference.
const ownState = !process.env.LIVE_STATE && existsSync('/dev/shm');
const persistTo =
  process.env.LIVE_STATE ??
  (ownState ? mkdtempSync('/dev/shm/showroom-bench-live-') : join(root, '.wrangler', 'bench-live-state'));
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const guard = setTimeout(() => {
  console.error('bench:live took longer than 8 minutes; giving up');
  if (ownState) rmSync(persistTo, { recursive: true, force: true });
  process.exit(1);
}, 480_000);

const rssKiB = (pids) =>
  pids.reduce((sum, pid) => sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]), 0);

/** A viewer process with its file-descriptor limit raised to the hard limit (thousands of sockets). */
function viewerProcess() {
  const script = join(import.meta.dirname, 'bench-viewers.mjs');
  const child = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" "${script}"`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = (command, answer) =>
    new Promise((resolve, reject) => {
      const onMessage = (m) => {
        if (m.type === 'error') reject(new Error(m.message));
        else if (m.type === answer && m.group === command.group) {
          child.off('message', onMessage);
          resolve(m);
        }
      };
      child.on('message', onMessage);
      child.send(command);
    });
  return { child, ask };
}

/** Connects `count` viewers to `server` (split over the load processes); its memory growth per viewer. */
async function connectViewers(procs, server, count) {
  const before = rssKiB(server.pids);
  const started = Date.now();
  await Promise.all(
    procs.map((p, i) =>
      p.ask(
        { type: 'connect', group: server.key, kind: server.kind, url: server.wsUrl, count: share(count, i) },
        'ready',
      ),
    ),
  );
  const connectMs = Date.now() - started;
  await sleep(1000);
  return { connectMs, memoryPerViewerKiB: (rssKiB(server.pids) - before) / count };
}
const share = (count, i) => Math.floor(count / 2) + (i === 0 ? count % 2 : 0);

async function runSize(count, build) {
  const servers = [
    await startOurs({ port: livePort, directPort: livePort + 1, persistTo, build }),
    await startBare({ port: barePort, directPort: barePort + 1 }),
    await startSocketIo({ port: sioPort }),
  ];
  const procs = [viewerProcess(), viewerProcess()];
  try {
    const setup = {};
    for (const server of servers) setup[server.key] = await connectViewers(procs, server, count);
    const sent = Object.fromEntries(servers.map((s) => [s.key, { at: new Map(), acks: [] }]));
    for (let k = 1; k <= warmup + updates; k++) {
      for (const server of servers) {
        const id = 500_000 + k;
        const t0 = now();
        await server.send(id);
        if (k > warmup) {
          sent[server.key].at.set(id, t0);
          sent[server.key].acks.push(now() - t0);
        }
        await sleep(intervalMs);
      }
    }
    await sleep(1000);
    const results = [];
    for (const server of servers) {
      const viewers = [];
      for (const p of procs) viewers.push(...(await p.ask({ type: 'collect', group: server.key }, 'results')).viewers);
      results.push({ server, ...setup[server.key], ...summarize(viewers, sent[server.key]) });
    }
    return results;
  } finally {
    for (const p of procs) p.child.kill();
    for (const server of servers) await server.dispose();
  }
}

applyMigrations(persistTo);
const runs = [];
try {
  for (const [i, count] of sizes.entries()) runs.push({ count, results: await runSize(count, i === 0) });
} finally {
  clearTimeout(guard);
  if (ownState) rmSync(persistTo, { recursive: true, force: true });
}
printReport(runs, { updates, warmup, intervalMs, persistTo, trace: process.env.LIVE_TRACE === '1' });
