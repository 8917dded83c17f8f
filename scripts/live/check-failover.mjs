// `npm run check:failover`: restart the local server in the middle of a show with viewers connected.
// N live clients (src/live-client over the `ws` package) watch a session while the host keeps changing stock;
// the server is restarted twice — a planned restart (going_away first) and a crash (no warning). Every client
// must be back within 2 s of the server answering again and end with the server's state and no seq gap.
// Bounded: about 30 s. Ports: LIVE_PORT (default 8831).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { applyMigrations, root, startMiniflareServer } from '../bench/lib/index.mjs';
import { loadLiveClient, seedShow, setStock } from './fixtures.mjs';

const port = Number(process.env.LIVE_PORT ?? 8831);
const viewers = Number(process.env.VIEWERS ?? 50);
const persistTo = join(root, '.wrangler', 'failover-state');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? '✔' : '✖'} ${message}`);
  if (!ok) failures.push(message);
};

mkdirSync(persistTo, { recursive: true });
applyMigrations(persistTo);
const { LiveClient } = await loadLiveClient();
let server = await startMiniflareServer({ port, persistTo });
const url = server.url;
const show = await seedShow({ url, mf: server.mf });
const target = { url, ...show };
console.log(`session ${show.sessionId}, ${viewers} viewers on ${url}`);

const clients = Array.from({ length: viewers }, () => {
  const client = new LiveClient({
    baseUrl: url.toString(),
    sessionId: show.sessionId,
    WebSocket,
    backoff: { maxMs: 1000 },
  });
  client.openedAt = [];
  client.onStatus = (status) => status === 'open' && client.openedAt.push(Date.now());
  client.connect();
  return client;
});
const waitFor = async (predicate, ms) => {
  const deadline = Date.now() + ms;
  while (!predicate() && Date.now() < deadline) await sleep(20);
  return predicate();
};
check(await waitFor(() => clients.every((c) => c.seq >= 1), 5000), `${viewers} clients got their snapshot`);

// The host keeps updating through both restarts; updates sent while the server is down just fail.
let stock = 1000;
let hosting = true;
let lastSeq = 0;
const host = (async () => {
  while (hosting) {
    try {
      lastSeq = await setStock(target, --stock);
    } catch {}
    await sleep(50);
  }
})();

async function restart(planned) {
  await sleep(1500);
  const openedBefore = clients.map((c) => c.openedAt.length);
  if (planned) {
    const ns = await server.mf.getDurableObjectNamespace('LIVE_SESSION');
    const told = await ns.get(ns.idFromName(show.sessionId)).goingAway(250);
    console.log(`going_away sent to ${told} sockets`);
  }
  const downAt = Date.now();
  await server.dispose();
  server = await startMiniflareServer({ port, persistTo, build: false });
  const upAt = Date.now();
  const back = await waitFor(() => clients.every((c, i) => c.openedAt.length > openedBefore[i]), 5000);
  const latest = Math.max(...clients.map((c) => c.openedAt.at(-1) ?? Number.POSITIVE_INFINITY));
  const label = planned ? 'planned restart (going_away)' : 'crash (no warning)';
  console.log(`${label}: server down ${upAt - downAt} ms; last client back ${latest - upAt} ms after it answered`);
  check(back && latest - upAt <= 2000, `${label}: every client reconnected within 2 s of the server being back`);
}

await restart(true);
await restart(false);
await sleep(1000);
hosting = false;
await host;

const snapshot = await (await fetch(new URL(`/v1/live-sessions/${show.sessionId}`, url))).json();
const comparable = (state) => JSON.stringify({ ...state, viewers: 0 });
check(snapshot.seq === lastSeq, `the log ends at the host's last seq (${lastSeq})`);
await waitFor(() => clients.every((c) => c.seq === snapshot.seq), 3000);
const behind = clients.filter((c) => c.seq !== snapshot.seq).length;
check(behind === 0, `every client reached seq ${snapshot.seq} (${behind} behind)`);
const differ = clients.filter((c) => comparable(c.state) !== comparable(snapshot.session)).length;
check(differ === 0, `every client's state equals the server's snapshot (${differ} differ)`);
const totals = clients.reduce(
  (sum, c) => {
    for (const key of Object.keys(sum)) sum[key] += c.stats[key];
    return sum;
  },
  { reconnects: 0, gaps: 0, newEpochs: 0, snapshots: 0 },
);
console.log('client totals:', totals);
check(totals.gaps === 0 && totals.newEpochs === 0, 'no seq gap and no new epoch seen by any client');
// Resuming sends the missed events, or a snapshot when that is shorter (a few stock events outweigh a
// one-product snapshot), so snapshots beyond the first are expected and fine.
console.log(`resumes answered with a snapshot instead of events: ${totals.snapshots - viewers}`);

for (const c of clients) c.close();
await server.dispose();
if (failures.length) {
  console.error(`\nFAILED: ${failures.length} check(s)`);
  process.exit(1);
}
console.log('\nfailover check passed');
