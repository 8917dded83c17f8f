// Lints the OpenAPI document the Worker actually serves (not a copy) with Redocly's recommended rules.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalServer } from './lib/local-server.mjs';

const port = Number(process.env.OPENAPI_LINT_PORT ?? 8797);
const server = await startLocalServer({ port });
let document;
try {
  const res = await fetch(new URL('/openapi.json', server.url));
  if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
  document = await res.text();
} finally {
  await server.dispose();
}
const file = join(import.meta.dirname, '..', 'dist', 'openapi.json');
mkdirSync(join(import.meta.dirname, '..', 'dist'), { recursive: true });
writeFileSync(file, document);
const lint = spawnSync('npx', ['redocly', 'lint', file, '--config', join(import.meta.dirname, '..', 'redocly.yaml')], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
process.exit(lint.status ?? 1);
