// Interleaved comparison of targets against a bare route of the same server, in the same run:
// bare, A, B, C, bare, A, B, C, … so drift from other load on the machine hits every target alike.
import { openLoadProcess } from './load.mjs';

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
 * @param {number} [options.durationSec] seconds per saturation round (default 2.5)
 * @param {number} [options.connections] default 16
 * @param {number} [options.warmupSec] unmeasured load before every measured round of a target, at the saturation
 *   connection count, so each round starts warm although other targets ran in between; default 0.5
 * @param {{ rounds: number, durationSec: number } | false} [options.oneConnection] latency at one connection
 *   (default 2 rounds × 1.5 s); false skips it
 * @returns {Promise<{ server: string, connections: number, rounds: number, durationSec: number, baseline: TargetSummary, targets: TargetSummary[] }>}
 */
export async function runComparison({
  server,
  targets,
  baseline = { name: 'bare /health/live', path: '/health/live' },
  rounds = 3,
  durationSec = 2.5,
  connections = 16,
  warmupSec = 0.5,
  oneConnection = { rounds: 2, durationSec: 1.5 },
}) {
  const all = [baseline, ...targets];
  const loader = openLoadProcess();
  const load = (target, c, seconds) =>
    loader.run({
      url: server.url,
      target,
      connections: c,
      durationSec: seconds,
      cpuPids: server.cpuPids,
      warmupSec,
      warmupConnections: connections,
    });
  const saturated = all.map(() => []);
  const single = all.map(() => []);
  try {
    for (let round = 0; round < rounds; round += 1) {
      for (const [i, target] of all.entries()) {
        const result = await load(target, connections, durationSec);
        saturated[i].push(result);
        progress(`${server.name} round ${round + 1}/${rounds} ${target.name}: ${Math.round(result.reqPerSec)} req/s`);
      }
    }
    for (let round = 0; oneConnection && round < oneConnection.rounds; round += 1) {
      for (const [i, target] of all.entries()) single[i].push(await load(target, 1, oneConnection.durationSec));
      progress(`${server.name} one-connection round ${round + 1}/${oneConnection.rounds} done`);
    }
  } finally {
    loader.close();
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
