// Serves the production bundle on workerd through Miniflare's Node API: the same runtime and bindings
// (D1, KV, Durable Objects) as `wrangler dev`, without its dev proxy, sharing `npm start`'s local data.
// Benchmarks and the OpenAPI lint use it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
// Local secrets first: wrangler's options read .dev.vars, absent on a fresh clone (JWT_SECRET signs tokens).
import '../ensure-dev-vars.mjs';

const root = join(import.meta.dirname, '..', '..');
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

/** Bundles the Worker exactly as `wrangler deploy` would, into dist/ (`extraArgs`, e.g. `--metafile <file>`). */
export function buildBundle(extraArgs = []) {
  const result = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', 'dist', ...extraArgs], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`bundle failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Starts the bundled Worker on 127.0.0.1:`port`, persisting to .wrangler/state/v3 like `wrangler dev`.
 * @param {object} options
 * @param {number} options.port
 * @param {boolean} [options.build] bundle first (default true); false reuses dist/index.js
 * @param {string} [options.persistRoot] another state directory (the `v3` one), e.g. a benchmark's own seeded
 *   copy, so it does not disturb a running `npm start`
 * @param {boolean} [options.assets] serve public/ as static assets in front of the Worker (default true). Benchmarks
 *   pass false: Miniflare emulates Cloudflare's asset router inside the same workerd process, which here doubled
 *   the CPU of a bare request, while on Cloudflare it runs outside the Worker's CPU time.
 * @param {Record<string, string>} [options.vars] configuration overrides on top of wrangler.toml's vars (e.g. an
 *   end-to-end test's WEBAUTHN_ORIGINS)
 * @param {number} [options.directPort] also serve the Worker on this port straight from workerd, without Miniflare's
 *   entry worker in front (a local-only hop that on Cloudflare does not exist); its address is `directUrl`
 * @param {(stdout: import('node:stream').Readable, stderr: import('node:stream').Readable) => void} [options.handleRuntimeStdio]
 *   where the Worker's console output goes (default: this process's stdout/stderr)
 * @returns {Promise<{ url: URL, directUrl?: URL, mf: Miniflare, dispose: () => Promise<void> }>}
 */
export async function startLocalServer({
  port,
  build = true,
  persistRoot,
  assets = true,
  vars,
  handleRuntimeStdio,
  directPort,
} = {}) {
  if (build) buildBundle();
  const { workerOptions } = unstable_getMiniflareWorkerOptions(join(root, 'wrangler.toml'));
  const mf = new Miniflare({
    ...workerOptions,
    assets: undefined,
    name: 'showroom',
    // wrangler's options already carry vars and .dev.vars secrets; static assets are added here.
    ...(assets
      ? { assets: { directory: join(root, 'public'), binding: 'ASSETS', routerConfig: { has_user_worker: true } } }
      : {}),
    modules: [{ type: 'ESModule', path: join(root, 'dist', 'index.js') }],
    modulesRoot: join(root, 'dist'),
    rootPath: root,
    host: '127.0.0.1',
    port,
    defaultPersistRoot: persistRoot ?? join(root, '.wrangler', 'state', 'v3'),
    ...(handleRuntimeStdio ? { handleRuntimeStdio } : {}),
    ...(vars ? { bindings: { ...workerOptions.bindings, ...vars } } : {}),
    ...(directPort ? { unsafeDirectSockets: [{ host: '127.0.0.1', port: directPort }] } : {}),
  });
  const url = await mf.ready;
  const directUrl = directPort ? await mf.unsafeGetDirectURL() : undefined;
  return { url, directUrl, mf, dispose: () => mf.dispose() };
}
