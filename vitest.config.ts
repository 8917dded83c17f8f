import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the real bindings from wrangler.toml (D1, KV, Durable Objects);
// migrations are applied by test/helpers/setup.ts before each test file.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          JWT_SECRET: 'test-secret-that-is-at-least-32-characters-long',
          // A retired key that still verifies, as during a key rotation (see test/security/keys.test.ts).
          JWT_PREVIOUS_SECRETS: 'previous-test-secret-that-is-at-least-32-chars',
          TEST_MIGRATIONS: await readD1Migrations('./migrations'),
          // Feed tests read the feed right after each change; the ranking reuse has its own test.
          FEED_RANKING_TTL_SECONDS: '0',
          SOCIAL_PROOF_CACHE_SECONDS: '0',
        },
      },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./test/helpers/setup.ts'],
    // Request logs are printed only for failing tests.
    silent: 'passed-only',
  },
}));
