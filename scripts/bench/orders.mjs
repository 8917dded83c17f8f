// `npm run bench:orders`: many buyers on one hot product against the production bundle on Miniflare (real D1,
// KV, Durable Objects; no dev proxy), in two parts:
//  1. throughput: 32 buyers (connections), each its own account and address, placing one-unit orders as fast
//     as they can on a product with ample stock, interleaved with rounds on the bare route /health/live;
//  2. sell-out: 64 buyers at once racing for 100 units, each ordering until refused (at most 4 tries, so the
//     run is bounded by count); afterwards D1 is read directly: units in orders must equal the 201s and the
//     stock, and nothing may be oversold or negative.
// Bounded: about a minute. Ports: BENCH_ORDERS_PORT (default 8850). State: .wrangler/bench-state.
import { join } from 'node:path';
import { applyMigrations, printTable, root, runComparison, startMiniflareServer } from './lib/index.mjs';

const port = Number(process.env.BENCH_ORDERS_PORT ?? 8850);
const BUYERS = 32;
const SELL_OUT = { buyers: 64, units: 100, maxTriesPerBuyer: 4 };
const step = (text) => process.stderr.write(`▶ ${text}\n`);

async function api(url, method, path, { token, body, ip = '10.9.0.1' } = {}) {
  const headers = {
    'content-type': 'application/json',
    'cf-connecting-ip': ip,
    'idempotency-key': crypto.randomUUID(),
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(new URL(path, url), { method, headers, body: body && JSON.stringify(body) });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function register(url, role, i) {
  const email = `bench-${role}-${Date.now()}-${i}-${Math.random().toString(36).slice(2, 8)}@bench.test`;
  const body = { email, password: 'correct-horse-battery', displayName: `Bench ${role} ${i}`, role };
  return (await api(url, 'POST', '/v1/auth/register', { body, ip: `10.8.${Math.floor(i / 250)}.${(i % 250) + 1}` }))
    .accessToken;
}

async function hotProduct(url, creatorToken, stock) {
  const body = { title: `Hot drop ${Date.now()}`, price: { amount: 4900, currency: 'USD' }, stock };
  const card = await api(url, 'POST', '/v1/products', { token: creatorToken, body });
  const product = card.product ?? card;
  return { productId: product.id, variantId: (card.variants ?? product.variants)[0].id };
}

/** Units in orders by status, and the variant's counters, straight from D1. */
async function audit(db, variantId, initial) {
  const { results } = await db
    .prepare(
      `select o.status as status, coalesce(sum(i.quantity), 0) as units from order_items i
       join orders o on o.id = i.order_id where i.variant_id = ? group by o.status`,
    )
    .bind(variantId)
    .all();
  const units = Object.fromEntries(results.map((r) => [r.status, r.units]));
  const v = await db
    .prepare('select stock_on_hand as onHand, stock_reserved as reserved from variants where id = ?')
    .bind(variantId)
    .first();
  const claimed = (units.pending_payment ?? 0) + (units.paid ?? 0) + (units.fulfilled ?? 0);
  const oversold = Math.max(0, claimed - initial);
  const consistent =
    v.reserved === (units.pending_payment ?? 0) && v.onHand === initial - (units.paid ?? 0) - (units.fulfilled ?? 0);
  return {
    units,
    onHand: v.onHand,
    reserved: v.reserved,
    claimed,
    oversold,
    negative: v.reserved < 0 || v.onHand < 0 || v.reserved > v.onHand,
    consistent,
  };
}

async function main() {
  const started = Date.now();
  step('migrating the bench database and starting Miniflare');
  applyMigrations();
  const server = await startMiniflareServer({ port });
  try {
    const db = await server.mf.getD1Database('DB');
    step(`server on ${server.url}; registering ${SELL_OUT.buyers} buyers and a creator`);
    const creator = await register(server.url, 'creator', 0);
    const tokens = [];
    for (let i = 1; i <= SELL_OUT.buyers; i += 1) tokens.push(await register(server.url, 'shopper', i));

    const plenty = 1_000_000;
    const hot = await hotProduct(server.url, creator, plenty);
    process.env.BENCH_ORDERS = JSON.stringify({ tokens: tokens.slice(0, BUYERS), productId: hot.productId });
    const requestModule = join(root, 'scripts', 'bench', 'orders-request.mjs');
    const target = {
      name: 'POST /v1/orders (hot product)',
      method: 'POST',
      path: '/v1/orders',
      requestModule,
      expectStatus: [201],
    };
    step(`throughput: ${BUYERS} buyers on one product, interleaved with the bare route`);
    const result = await runComparison({
      server,
      targets: [target],
      connections: BUYERS,
      rounds: 3,
      durationSec: 3,
      oneConnection: { rounds: 1, durationSec: 2 },
    });
    const hotAudit = await audit(db, hot.variantId, plenty);

    const scarce = await hotProduct(server.url, creator, SELL_OUT.units);
    process.env.BENCH_ORDERS = JSON.stringify({ tokens, productId: scarce.productId });
    step(`sell-out: ${SELL_OUT.buyers} buyers racing for ${SELL_OUT.units} units, each trying until refused`);
    const race = await sellOut(server.url, tokens, scarce.productId);
    const raceAudit = await audit(db, scarce.variantId, SELL_OUT.units);

    printTable(result);
    const t = result.targets[0];
    console.log(`\n### Orders (${new Date().toISOString().slice(0, 10)}, ${BUYERS} buyers, one hot product)\n`);
    console.log('| measure | value |\n|---|---|');
    console.log(`| orders/s (201s, median of rounds) | ${t.reqPerSec.toFixed(0)} |`);
    console.log(`| bare route req/s, same run | ${result.baseline.reqPerSec.toFixed(0)} |`);
    console.log(`| order latency p50 / p95 / p99 at ${BUYERS} connections | ${fmt(t.saturationMs)} |`);
    console.log(
      `| order latency p50 / p95 / p99 at one connection | ${t.oneConnectionMs ? fmt(t.oneConnectionMs) : 'n/a'} |`,
    );
    console.log(`| statuses | ${JSON.stringify(t.statuses)} |`);
    console.log(
      `| hot product after the run: reserved = pending units, on hand intact | ${hotAudit.consistent ? 'yes' : 'NO'} (${hotAudit.reserved} reserved, ${hotAudit.units.pending_payment ?? 0} in pending orders) |`,
    );
    console.log(
      `| sell-out: ${SELL_OUT.buyers} buyers, ${SELL_OUT.units} units | ${JSON.stringify(race.statuses)} in ${race.seconds.toFixed(1)} s (${race.retriedConnections} dropped connections retried with their key), p50 / p99 ${race.p50.toFixed(0)} / ${race.p99.toFixed(0)} ms |`,
    );
    console.log(`| sell-out: units in orders (D1) | ${raceAudit.claimed} of ${SELL_OUT.units} |`);
    console.log(`| **oversold (D1, both products)** | **${raceAudit.oversold + hotAudit.oversold}** |`);
    console.log(
      `| stock negative or reserved > on hand | ${raceAudit.negative || hotAudit.negative ? 'YES' : 'never'} |`,
    );
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s wall time)`);
    const failed =
      raceAudit.oversold + hotAudit.oversold > 0 ||
      raceAudit.negative ||
      hotAudit.negative ||
      !raceAudit.consistent ||
      !hotAudit.consistent ||
      raceAudit.claimed !== SELL_OUT.units ||
      race.statuses[201] !== SELL_OUT.units;
    if (failed) {
      console.error('✖ stock invariant violated (see table)');
      process.exitCode = 1;
    }
  } finally {
    await server.dispose();
  }
}

/** A dropped connection is retried with the same Idempotency-Key, as a phone would: never a second order. */
async function postWithRetries(url, token, key, productId, i, tries = 4) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(new URL('/v1/orders', url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'idempotency-key': key,
          'cf-connecting-ip': `10.1.0.${i + 1}`,
        },
        body: JSON.stringify({ items: [{ productId, quantity: 1 }] }),
      });
    } catch (error) {
      retriedConnections += 1;
      if (attempt >= tries) throw error;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
let retriedConnections = 0;

/** Every buyer orders one unit at a time, concurrently with all others, until a 409 or maxTriesPerBuyer. */
async function sellOut(url, tokens, productId) {
  const statuses = {};
  const latencies = [];
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, i) => {
      for (let attempt = 0; attempt < SELL_OUT.maxTriesPerBuyer; attempt += 1) {
        const key = crypto.randomUUID();
        const t0 = performance.now();
        let res;
        let text;
        // A 409 idempotency_in_progress means the first try with this key is still running: ask again.
        do {
          res = await postWithRetries(url, token, key, productId, i);
          text = await res.text().catch(() => '');
          if (text.includes('idempotency_in_progress')) await new Promise((r) => setTimeout(r, 200));
        } while (text.includes('idempotency_in_progress'));
        latencies.push(performance.now() - t0);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 201) return;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { statuses, retriedConnections, seconds: (performance.now() - started) / 1000, p50: at(0.5), p99: at(0.99) };
}

const fmt = (ms) => (ms ? `${ms.p50.toFixed(1)} / ${ms.p95.toFixed(1)} / ${ms.p99.toFixed(1)} ms` : 'n/a');

await main();
