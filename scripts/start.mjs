// `npm start`: local secrets, D1 migrations, demo data (once), then `wrangler dev` on $PORT.
// Everything runs on workerd through wrangler/miniflare; no Cloudflare account is needed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const port = process.env.PORT ?? '8787';
const inspectorPort = process.env.INSPECTOR_PORT ?? '9229';
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
// wrangler's own entry, run with this Node: unlike `npx wrangler`, signals reach it directly, so stopping
// `npm start` (Ctrl+C or SIGTERM) stops the dev server too.
const wrangler = join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js');

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed`);
    process.exit(result.status ?? 1);
  }
}

step('Local secrets (.dev.vars)', process.execPath, ['scripts/ensure-dev-vars.mjs']);
step('Applying D1 migrations (local)', process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local']);
if (existsSync(join(root, 'scripts', 'seed.mjs'))) {
  step('Seeding demo data (skipped when already seeded)', process.execPath, ['scripts/seed.mjs']);
}

console.log(`\n▶ Serving on http://localhost:${port} (docs: /docs, OpenAPI: /openapi.json)`);
const dev = spawn(process.execPath, [wrangler, 'dev', '--port', port, '--inspector-port', inspectorPort], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));
