// Runs one load round in a child process (load-child.mjs) and returns its summary.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @typedef {object} Target what to load: one path, or several that each connection rotates through. In paths
 *   and header values `{seq}` becomes a per-request counter and `{uuid}` a random UUID
 * @property {string} name
 * @property {string} [path]
 * @property {string[]} [paths]
 * @property {string} [method] default GET
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {string} [requestModule] path of an .mjs exporting autocannon's `setupRequest(request, context)`,
 *   loaded in the load process, for requests that must differ each time (e.g. a fresh Idempotency-Key)
 * @property {number[]} [expectStatus] statuses that count as success (default [200])
 */

/**
 * @typedef {object} RoundResult
 * @property {number} responses
 * @property {number} reqPerSec
 * @property {{p50: number, p95: number, p99: number, max: number}} latencyMs
 * @property {Record<string, number>} statuses
 * @property {number} errors connection errors
 * @property {number} timeouts
 * @property {number} cpuMsPerRequest CPU of the server's runtime processes over the round / responses
 */

/**
 * A load-generating process that runs rounds one after another (starting Node and autocannon costs about a
 * second under load, too much to pay per round). Close it when done.
 * @returns {{ run: (options: Parameters<typeof runLoad>[0]) => Promise<RoundResult>, close: () => void }}
 */
export function openLoadProcess() {
  const child = fork(join(import.meta.dirname, 'load-child.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let nextId = 0;
  child.on('message', ({ id, ok, result, error }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (ok) waiter.resolve(result);
    else waiter.reject(new Error(`load round for ${waiter.name} failed: ${error}`));
  });
  child.once('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load process exited with ${code}`));
    pending.clear();
  });
  const run = ({ url, target, connections, durationSec, cpuPids, warmupSec = 0, warmupConnections = 16 }) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      pending.set(nextId, { resolve, reject, name: target.name });
      child.send({
        id: nextId,
        url: String(url),
        paths: target.paths ?? [target.path],
        method: target.method,
        headers: target.headers,
        body: target.body,
        requestModule: target.requestModule ? pathToFileURL(target.requestModule).href : undefined,
        connections,
        durationSec,
        cpuPids,
        warmupSec,
        warmupConnections,
      });
    });
  return { run, close: () => child.connected && child.disconnect() };
}

/**
 * One round in a fresh load process (see openLoadProcess to run many).
 * @param {{ url: URL | string, target: Target, connections: number, durationSec: number, cpuPids: number[],
 *   warmupSec?: number, warmupConnections?: number }} options warm-up load runs first, unmeasured
 * @returns {Promise<RoundResult>}
 */
export async function runLoad(options) {
  const loader = openLoadProcess();
  try {
    return await loader.run(options);
  } finally {
    loader.close();
  }
}
