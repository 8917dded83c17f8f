// One load round, run in its own Node process (forked by load.mjs) so the load generator never shares an
// event loop with the process hosting Miniflare. Receives a job over IPC, answers with a summary.
import autocannon from 'autocannon';
import { cpuMs } from './proc-cpu.mjs';

process.once('message', async (job) => {
  try {
    process.send({ ok: true, result: await runRound(job) });
  } catch (error) {
    process.send({ ok: false, error: String(error?.stack ?? error) });
  }
});

async function loadSetup(job) {
  if (job.requestModule) return (await import(job.requestModule)).setupRequest;
  const paths = job.paths;
  // Each connection starts at a random point of the path list so they do not walk it in lockstep.
  return (request, context) => {
    context.next = ((context.next ?? Math.floor(Math.random() * paths.length)) + 1) % paths.length;
    return { ...request, path: paths[context.next] };
  };
}

async function runRound(job) {
  const setupRequest = await loadSetup(job);
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
