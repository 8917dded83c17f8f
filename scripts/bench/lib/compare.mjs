// Interleaved comparison of targets against a bare route of the same server, in the same run:
// bare, A, B, C, bare, A, B, C, … so drift from other load on the machine hits every target alike.
import { runLoad } from './load.mjs';

export const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const progress = (line) => process.stderr.write(`  ${line}\n`);

/**
 * @typedef {object} TargetSummary
 * @property {string} name
 * @property {number} reqPerSec median over saturation rounds
 * @property {number} ratio median over rounds of (target req/s ÷ the bare route's req/s in the same round)
 * @property {{p50: number, p95: number, p99: number}} saturationMs medians of each round's percentiles
 * @property {{p50: number, p95: number, p99: number} | null} oneConnectionMs the same at one connection
 * @property {number} cpuMsPerRequest median runtime-process CPU per request at saturation
 * @property {number} failures responses with an unexpected status, connection errors and timeouts
 * @property {Record<string, number>} statuses all statuses seen
 */

/**
 * @param {object} options
 * @param {{ name: string, url: URL | string, cpuPids: number[] }} options.server
 * @param {import('./load.mjs').Target[]} options.targets
 * @param {import('./load.mjs').Target} [options.baseline] default `/health/live`
 * @param {number} [options.rounds] saturation rounds (default 3)
 * @param {number} [options.durationSec] seconds per saturation round (default 3)
 * @param {number} [options.connections] default 16
 * @param {number} [options.warmupSec] per target, before measuring (fills caches, JIT); default 1
 * @param {{ rounds: number, durationSec: number } | false} [options.oneConnection] latency at one connection
 *   (default 2 rounds × 2 s); false skips it
 * @returns {Promise<{ server: string, connections: number, rounds: number, durationSec: number, baseline: TargetSummary, targets: TargetSummary[] }>}
 */
export async function runComparison({
  server,
  targets,
  baseline = { name: 'bare /health/live', path: '/health/live' },
  rounds = 3,
  durationSec = 3,
  connections = 16,
  warmupSec = 1,
  oneConnection = { rounds: 2, durationSec: 2 },
}) {
  const all = [baseline, ...targets];
  const load = (target, c, seconds) =>
    runLoad({ url: server.url, target, connections: c, durationSec: seconds, cpuPids: server.cpuPids });
  progress(`${server.name}: warm-up`);
  for (const target of all) await load(target, connections, warmupSec);

  const saturated = all.map(() => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, target] of all.entries()) {
      const result = await load(target, connections, durationSec);
      saturated[i].push(result);
      progress(`${server.name} round ${round + 1}/${rounds} ${target.name}: ${Math.round(result.reqPerSec)} req/s`);
    }
  }
  const single = all.map(() => []);
  for (let round = 0; oneConnection && round < oneConnection.rounds; round += 1) {
    for (const [i, target] of all.entries()) single[i].push(await load(target, 1, oneConnection.durationSec));
    progress(`${server.name} one-connection round ${round + 1}/${oneConnection.rounds} done`);
  }

  const summaries = all.map((target, i) => summarize(target, saturated[i], single[i], saturated[0]));
  return { server: server.name, connections, rounds, durationSec, baseline: summaries[0], targets: summaries.slice(1) };
}

function percentiles(results) {
  if (!results.length) return null;
  const pick = (key) => median(results.map((r) => r.latencyMs[key]));
  return { p50: pick('p50'), p95: pick('p95'), p99: pick('p99') };
}

function summarize(target, saturated, single, bare) {
  const expected = new Set((target.expectStatus ?? [200]).map(String));
  const statuses = {};
  let failures = 0;
  for (const result of [...saturated, ...single]) {
    failures += result.errors + result.timeouts;
    for (const [status, count] of Object.entries(result.statuses)) {
      statuses[status] = (statuses[status] ?? 0) + count;
      if (!expected.has(status)) failures += count;
    }
  }
  return {
    name: target.name,
    reqPerSec: median(saturated.map((r) => r.reqPerSec)),
    ratio: median(saturated.map((r, round) => r.reqPerSec / bare[round].reqPerSec)),
    saturationMs: percentiles(saturated),
    oneConnectionMs: percentiles(single),
    cpuMsPerRequest: median(saturated.map((r) => r.cpuMsPerRequest)),
    failures,
    statuses,
  };
}
