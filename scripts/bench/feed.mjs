// `npm run bench:feed`: the signed-in feed, the anonymous feed and a related-products read against the bare
// route `/health/live` of the same server (production bundle on Miniflare, no dev proxy), on the seeded social
// graph (the demo shopper follows 25 creators; 4000 posts, 27k likes, 3000 paid orders). Markdown output.
// Ports: BENCH_PORT (default 8860).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { DEMO_PASSWORD } from '../seed/accounts.mjs';
import { applyMigrations, benchStateDir, printTable, root, runComparison, startMiniflareServer } from './lib/index.mjs';

const port = Number(process.env.BENCH_PORT ?? 8860);
const P99_GOAL_MS = 30;
const goals = { 'feed (signed in)': { minRatio: 0.1, maxOneConnectionP95Ms: 30 } };
const step = (text) => process.stderr.write(`▶ ${text}\n`);
const started = Date.now();

async function json(base, path, init) {
  const res = await fetch(new URL(path, base), init);
  if (!res.ok)
    throw new Error(`${init?.method ?? 'GET'} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/** The demo shopper's token, or null when the database has no (social) seed yet. */
async function demoToken(base) {
  const res = await fetch(new URL('/v1/auth/login', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'shopper@showroom.test', password: DEMO_PASSWORD }),
  });
  if (res.status !== 200) return null;
  const { accessToken } = await res.json();
  const feed = await json(base, '/v1/feed?limit=50', { headers: { authorization: `Bearer ${accessToken}` } });
  return feed.data.some((item) => item.reason === 'following') ? accessToken : null;
}

function seed() {
  step(`seeding the benchmark database (${benchStateDir}); fills what an older seed lacks`);
  const result = spawnSync(process.execPath, ['scripts/seed.mjs', '--force', '--persist-to', benchStateDir], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new Error('the seed failed');
}

step('applying migrations to the benchmark database');
applyMigrations();
let server = await startMiniflareServer({ port });
try {
  let token = await demoToken(server.url);
  if (!token) {
    await server.dispose();
    seed();
    server = await startMiniflareServer({ port, build: false });
    token = await demoToken(server.url);
    if (!token) throw new Error('the seeded demo shopper has no followed content in the feed');
  }
  // Related reads for the most-bought products (they have co-purchases in the seed).
  const popular = await json(server.url, '/v1/products?sort=popular&limit=8');
  const relatedPaths = popular.data.map((p) => `/v1/products/${p.id}/related`);
  const feedHeaders = { authorization: `Bearer ${token}`, 'accept-language': 'en-GB', 'x-device': 'ios' };
  const targets = [
    { name: 'feed (signed in)', path: '/v1/feed?limit=20', headers: feedHeaders },
    { name: 'feed (anonymous)', path: '/v1/feed?limit=20' },
    { name: 'related', paths: relatedPaths },
  ];
  step(`Miniflare on ${server.url}; feed as the demo shopper, related over ${relatedPaths.length} products`);
  const result = await runComparison({ server, targets, rounds: 3, durationSec: 3 });
  console.log(
    `## ${new Date().toISOString().slice(0, 10)} — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`,
  );
  console.log(
    `\n\`npm run bench:feed\` · Node ${process.version} · load average at the end ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  printTable(result, goals);
  const feed = result.targets.find((t) => t.name === 'feed (signed in)');
  const p99 = feed.oneConnectionMs.p99;
  console.log(
    `\nSigned-in feed p99: ${p99.toFixed(2)} ms at one connection, ${feed.saturationMs.p99.toFixed(2)} ms at ` +
      `${result.connections} connections; goal ≤ ${P99_GOAL_MS} ms locally (one connection): ${p99 <= P99_GOAL_MS ? 'PASS' : 'MISS'}.`,
  );
  console.log(`Whole run: ${Math.round((Date.now() - started) / 1000)} s.`);
  const valid = [result.baseline, ...result.targets].every((s) => s.failures === 0);
  process.exitCode = valid ? 0 : 1;
} finally {
  await server.dispose();
}
