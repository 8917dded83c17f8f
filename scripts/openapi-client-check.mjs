// Proves a generated client accepts the OpenAPI document the Worker serves: openapi-typescript writes types
// from it (into dist/, never committed) and scripts/openapi-client/sample.ts, calls an integrator would make
// with openapi-fetch, must type-check against them. Nothing is sent to a server.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { saveServedOpenApi } from './lib/served-openapi.mjs';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'dist', 'openapi-client');
const port = Number(process.env.OPENAPI_CLIENT_PORT ?? 8798);
const timeout = 120_000; // per step; a normal run takes seconds
const started = performance.now();
const step = (name) => console.log(`openapi:client: ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

// The timer covers the bundle and the server; the two child processes below carry their own timeout.
const watchdog = setTimeout(() => {
  console.error(`openapi:client: no document after ${timeout / 1000} s`);
  process.exit(1);
}, timeout);
await saveServedOpenApi({ port, file: join(outDir, 'openapi.json') });
clearTimeout(watchdog);
step('fetched /openapi.json');

function run(command, args) {
  const result = spawnSync('npx', [command, ...args], { cwd: root, stdio: 'inherit', timeout });
  if (result.status !== 0) {
    console.error(`openapi:client: ${command} failed${result.error ? ` (${result.error.message})` : ''}`);
    process.exit(1);
  }
}

// --default-non-nullable=false: the generator otherwise makes a field with a default required, in request
// bodies too (openapi-ts/openapi-typescript#1741), so `role` would be needed to register. No response field
// of ours has a default, so nothing is lost.
run('openapi-typescript', [
  join(outDir, 'openapi.json'),
  '--output',
  join(outDir, 'schema.d.ts'),
  '--default-non-nullable=false',
]);
step('generated dist/openapi-client/schema.d.ts');
run('tsc', ['--project', join(root, 'scripts', 'openapi-client', 'tsconfig.json')]);
step('scripts/openapi-client/sample.ts type-checks against it');
