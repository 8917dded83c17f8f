// Lints the OpenAPI document the Worker actually serves (not a copy) with Redocly's recommended rules.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { saveServedOpenApi } from './lib/served-openapi.mjs';

const port = Number(process.env.OPENAPI_LINT_PORT ?? 8797);
const file = join(import.meta.dirname, '..', 'dist', 'openapi.json');
await saveServedOpenApi({ port, file });
const lint = spawnSync('npx', ['redocly', 'lint', file, '--config', join(import.meta.dirname, '..', 'redocly.yaml')], {
  stdio: 'inherit',
  env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
});
process.exit(lint.status ?? 1);
