// Servers to benchmark: the production bundle on Miniflare's Node API (no dev proxy), and `wrangler dev` (what
// `npm start` runs) for reference. Both can use their own state directory, so a bench never touches the data
// of a running `npm start`. Each returns { name, url, cpuPids, dispose }.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startLocalServer } from '../../lib/local-server.mjs';
import { findDescendants } from './proc-cpu.mjs';

export const root = join(import.meta.dirname, '..', '..', '..');
/** A benchmark's own local state, in `wrangler --persist-to` form (Miniflare reads its `v3` subdirectory). */
export const benchStateDir = join(root, '.wrangler', 'bench-state');
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

/** Keeps the last few KB of a stream (for error messages) and otherwise drops it: a log line per request
 * printed to a terminal would cost more than the request. */
function tail(stream, keep = 8192) {
  let text = '';
  stream.on('data', (chunk) => {
    text = (text + chunk).slice(-keep);
  });
  return () => text;
}

/** `wrangler d1 migrations apply DB --local` into `persistTo` (idempotent). */
export function applyMigrations(persistTo = benchStateDir) {
  const args = ['wrangler', 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo];
  const result = spawnSync('npx', args, { cwd: root, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`migrations failed:\n${result.stdout}\n${result.stderr}`);
}

/**
 * The production bundle (built unless `build: false`) on workerd via Miniflare, on 127.0.0.1:`port`.
 * Without the static-asset router by default (see `assets` in scripts/lib/local-server.mjs): on Cloudflare it
 * runs in front of the Worker, outside its CPU time. Call it once per process at a time: its CPU is found as
 * the workerd child of this process.
 */
export async function startMiniflareServer({
  port,
  persistTo = benchStateDir,
  build = true,
  assets = false,
  directPort,
  vars,
}) {
  let stderrTail = () => '';
  const server = await startLocalServer({
    port,
    build,
    assets,
    directPort,
    vars,
    persistRoot: join(persistTo, 'v3'),
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderrTail = tail(stderr);
    },
  });
  const cpuPids = findDescendants(process.pid, 'workerd');
  if (!cpuPids.length) throw new Error('could not find the workerd process Miniflare started');
  return {
    name: 'Miniflare (production bundle, no dev proxy)',
    url: server.url,
    directUrl: server.directUrl,
    cpuPids,
    mf: server.mf,
    stderr: () => stderrTail(),
    dispose: () => server.dispose(),
  };
}

async function waitUntilServing(url, child, logs, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}:\n${logs()}`);
    try {
      if ((await fetch(new URL('/health/live', url))).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`wrangler dev did not answer on ${url} within ${timeoutMs / 1000} s:\n${logs()}`);
}

/** `wrangler dev` (as `npm start` runs it) on 127.0.0.1:`port`; its CPU is every workerd below it. */
export async function startWranglerDev({ port, inspectorPort, persistTo = benchStateDir }) {
  const args = [
    'wrangler',
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
  ];
  args.push('--persist-to', persistTo, '--log-level', 'warn', '--show-interactive-dev-session=false');
  // Its own process group, so stopping it also stops the workerd processes it started (and nothing else).
  const child = spawn('npx', args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = tail(child.stdout);
  const err = tail(child.stderr);
  const logs = () => `${out()}\n${err()}`;
  const url = new URL(`http://127.0.0.1:${port}/`);
  // A detached group outlives us unless stopped: also on exit and on Ctrl-C.
  const killGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGTERM');
  const onSignal = () => process.exit(130);
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const stop = async () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilServing(url, child, logs);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'wrangler dev (npm start), for reference',
    url,
    cpuPids: findDescendants(child.pid, 'workerd'),
    stderr: logs,
    dispose: stop,
  };
}
