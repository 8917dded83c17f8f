// `npm run bench`: the catalog's read paths (product card, filtered + sorted list, full-text search) against the
// bare route of the same server, on the production bundle without the dev proxy, then through `wrangler dev`
// for reference; plus the production bundle's gzip size. Output is Markdown, ready for BENCHMARKS.md.
// Ports: BENCH_PORT (default 8810) for Miniflare, BENCH_DEV_PORT / BENCH_DEV_INSPECTOR_PORT (8811 / 9311).
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { discoverTargets } from './catalog-targets.mjs';
import {
  allPassed,
  applyMigrations,
  benchStateDir,
  measureBundle,
  printTable,
  root,
  runComparison,
  startMiniflareServer,
  startWranglerDev,
} from './lib/index.mjs';

const port = Number(process.env.BENCH_PORT ?? 8810);
const devPort = Number(process.env.BENCH_DEV_PORT ?? 8811);
const devInspectorPort = Number(process.env.BENCH_DEV_INSPECTOR_PORT ?? 9311);
const BUNDLE_GOAL_KIB = 300;

// Issue 2's targets on the 2-core machine, Miniflare setup; the cache-missing variants are held to the same.
const card = { minRatio: 0.5, maxOneConnectionP95Ms: 3 };
const list = { minRatio: 0.3, maxOneConnectionP95Ms: 8 };
const search = { minRatio: 0.25, maxOneConnectionP95Ms: 10 };
const goals = {
  card,
  'list (category + price_asc)': list,
  'search (q)': search,
  'card, all products (caches cold)': card,
  'list, cache-busted': list,
  'search, cache-busted': search,
};

const started = Date.now();
const step = (text) => process.stderr.write(`▶ [${Math.round((Date.now() - started) / 1000)} s] ${text}\n`);

/** The demo seed into the benchmark's own database; idempotent, and quick when it has already run. */
function seed() {
  step(`seeding the benchmark's own database (${benchStateDir}) unless already seeded`);
  const result = spawnSync(process.execPath, ['scripts/seed.mjs', '--persist-to', benchStateDir], {
    cwd: root,
    stdio: ['ignore', process.stderr, process.stderr], // stdout is the Markdown report
  });
  if (result.status !== 0) throw new Error('the seed failed');
}

async function miniflareRun() {
  const server = await startMiniflareServer({ port, build: false });
  try {
    const targets = await discoverTargets(server.url);
    step(`Miniflare on ${server.url} (workerd pid ${server.cpuPids.join(', ')})`);
    const result = await runComparison({ server, targets, durationSec: 2 });
    return { result, targets };
  } finally {
    await server.dispose();
  }
}

async function wranglerDevRun(targets) {
  step(`wrangler dev on 127.0.0.1:${devPort} (inspector ${devInspectorPort})`);
  const server = await startWranglerDev({ port: devPort, inspectorPort: devInspectorPort });
  try {
    return await runComparison({
      server,
      targets: targets.slice(0, 3),
      rounds: 2,
      durationSec: 2,
      oneConnection: { rounds: 1, durationSec: 1.5 },
    });
  } finally {
    await server.dispose();
  }
}

step('building the production bundle (wrangler deploy --dry-run --outdir dist)');
const bundle = measureBundle();
step('applying migrations to the benchmark database');
applyMigrations();
seed();
const { result, targets } = await miniflareRun();
const dev = await wranglerDevRun(targets);

console.log(
  `## ${new Date().toISOString().slice(0, 10)} — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`,
);
console.log(
  `\n\`npm run bench\` · Node ${process.version} · load average at the end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
console.log(
  `\nTargets (each request picks one of its paths at random; \`{seq}\` is a per-request counter):\n${targets
    .map((t) => `- ${t.name}: ${t.paths.length} paths, e.g. \`${t.paths[0]}\``)
    .join('\n')}`,
);
printTable(result, goals);
printTable(dev);
const gzipOk = bundle.gzipKiB <= BUNDLE_GOAL_KIB;
console.log(
  `\nProduction bundle: ${bundle.wranglerLine ?? '(wrangler printed no size line)'}; gzip -9 of dist/*.js: ` +
    `${bundle.gzipKiB.toFixed(1)} KiB (raw ${bundle.rawKiB.toFixed(1)} KiB), goal ≤ ${BUNDLE_GOAL_KIB} KB: ${gzipOk ? 'PASS' : 'MISS'}. ` +
    `Largest parts (raw): ${bundle.largest.map((p) => `${p.name} ${Math.round(p.kib)} KiB`).join(', ')}.`,
);
console.log(
  '\n`runtime process CPU / req` is the workerd process (our Worker, Miniflare’s entry worker and the local D1/KV ' +
    'simulators; with wrangler dev also its proxy worker) over each round ÷ responses: an upper bound on the ' +
    `Worker's own CPU time. Whole run: ${Math.round((Date.now() - started) / 1000)} s.`,
);
const valid = [result, dev].every((r) => [r.baseline, ...r.targets].every((s) => s.failures === 0));
step(allPassed(result, goals) && gzipOk ? 'all targets met' : 'some targets missed (see the tables)');
process.exit(valid ? 0 : 1);
