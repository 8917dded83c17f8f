import { applyD1Migrations, env } from 'cloudflare:test';
import { afterEach } from 'vitest';
import { unreported } from './conformance';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    }
  }
}

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// A mismatch makes `call()` throw; this also fails a test that caught or settled that throw and went on.
afterEach(({ task }) => {
  const missed = unreported.splice(0);
  if (missed.length > 0 && task.result?.state !== 'fail') {
    throw new Error(`Responses did not conform to the OpenAPI document:\n${missed.join('\n')}`);
  }
});
