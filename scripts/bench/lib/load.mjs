// Runs one load round in a child process (load-child.mjs) and returns its summary.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * @typedef {object} Target what to load: one path, or several that each connection rotates through
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
 * @param {{ url: URL | string, target: Target, connections: number, durationSec: number, cpuPids: number[] }} options
 * @returns {Promise<RoundResult>}
 */
export function runLoad({ url, target, connections, durationSec, cpuPids }) {
  const job = {
    url: String(url),
    paths: target.paths ?? [target.path],
    method: target.method,
    headers: target.headers,
    body: target.body,
    requestModule: target.requestModule ? pathToFileURL(target.requestModule).href : undefined,
    connections,
    durationSec,
    cpuPids,
  };
  return new Promise((resolve, reject) => {
    const child = fork(join(import.meta.dirname, 'load-child.mjs'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => {
      child.disconnect();
      if (message.ok) resolve(message.result);
      else reject(new Error(`load round for ${target.name} failed: ${message.error}`));
    });
    child.once('exit', (code) => {
      if (code) reject(new Error(`load process for ${target.name} exited with ${code}`));
    });
    child.send(job);
  });
}
