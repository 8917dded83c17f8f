// Load rounds, run in their own Node process (forked by load.mjs) so the load generator never shares an
// event loop with the process hosting Miniflare. Receives jobs over IPC, one at a time, answers each with a
// summary; exits when the parent disconnects.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { cpuMs } from './proc-cpu.mjs';

process.on('message', async (job) => {
  try {
    process.send({ id: job.id, ok: true, result: await runRound(job) });
  } catch (error) {
    process.send({ id: job.id, ok: false, error: String(error?.stack ?? error) });
  }
});

// `{seq}` in a path or header value becomes a counter (unique within the round), `{uuid}` a random UUID:
// for requests that must differ each time (defeating a response cache, a fresh Idempotency-Key).
const fill = (text, seq) =>
  text.includes('{') ? text.replaceAll('{seq}', String(seq)).replaceAll('{uuid}', randomUUID()) : text;

async function loadSetup(job) {
  if (job.requestModule) return (await import(job.requestModule)).setupRequest;
  const { paths, headers = {} } = job;
  const templated = paths.some((p) => p.includes('{')) || Object.values(headers).some((v) => v.includes('{'));
  let seq = 0;
  // A path at random for each request (autocannon resets per-connection context after every request).
  return (request) => {
    const path = paths[Math.floor(Math.random() * paths.length)];
    if (!templated) return { ...request, path };
    seq += 1;
    const filled = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, fill(value, seq)]));
    return { ...request, path: fill(path, seq), headers: filled };
  };
}

/** Unmeasured load first, so each measured round starts warm (caches filled, code optimised) even though
 * other targets ran in between. */
async function warmUp(job, setupRequest) {
  if (!job.warmupSec) return;
  const request = {
    method: job.method ?? 'GET',
    path: job.paths[0],
    headers: job.headers,
    body: job.body,
    setupRequest,
  };
  await autocannon({ url: job.url, connections: job.warmupConnections, duration: job.warmupSec, requests: [request] });
}

async function runRound(job) {
  const setupRequest = await loadSetup(job);
  await warmUp(job, setupRequest);
  // autocannon's own latency histogram has 1 ms resolution; response times are kept here in full.
  const latencies = new Float64Array(4_000_000);
  let count = 0;
  const statuses = {};
  const cpuBefore = cpuMs(job.cpuPids);
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSec,
    timeout: 10,
    requests: [{ method: job.method ?? 'GET', path: job.paths[0], headers: job.headers, body: job.body, setupRequest }],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (count < latencies.length) latencies[count] = responseTime;
    count += 1;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuMs(job.cpuPids) - cpuBefore;
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN);
  return {
    responses: count,
    reqPerSec: count / elapsedSec,
    latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN },
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    cpuMsPerRequest: count ? cpu / count : Number.NaN,
  };
}
