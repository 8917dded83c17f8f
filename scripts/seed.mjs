// Seeds the local D1 database with a deterministic, realistic demo catalog (see scripts/seed/areas.mjs).
// Idempotent: skipped when a previous run completed (the demo shopper exists); every row is INSERT OR IGNORE
// with a deterministic id, so re-running after an interrupted seed fills the gaps without duplicating.
// Usage: node scripts/seed.mjs [--force] [--persist-to <dir>]   (npm start runs it after the migrations)
import { join } from 'node:path';
import { CREATOR_COUNT } from './seed/accounts.mjs';
import { areas } from './seed/areas.mjs';
import { openLocalD1 } from './seed/local-d1.mjs';
import { createRandom } from './seed/prng.mjs';

const root = join(import.meta.dirname, '..');
const persistFlag = process.argv.indexOf('--persist-to');
const persistTo = persistFlag > 0 ? process.argv[persistFlag + 1] : undefined;
/** Fixed so every run writes identical rows; dates are spread over the year before it. */
const SEED_NOW = Date.UTC(2026, 10, 20);
const SEED = 20261126;
/**
 * SQL bytes per D1 batch. A batch is one transaction, so an interrupted seed leaves whole chunks; the cap
 * keeps each well inside local D1's limits and gives progress output.
 */
const CHUNK_BYTES = 2_000_000;

const started = Date.now();
const { db, dispose } = await openLocalD1(root, persistTo);
try {
  const state = await db
    .prepare(
      "SELECT (SELECT count(*) FROM products) AS products, (SELECT count(*) FROM users WHERE email = 'shopper@showroom.test') AS complete",
    )
    .first();
  if (state.complete && !process.argv.includes('--force')) {
    console.log(`  already seeded (${state.products} products); nothing to do`);
  } else {
    console.log(state.products ? `  resuming: ${state.products} products present` : '  empty database: seeding');
    const ctx = { random: createRandom(SEED), now: SEED_NOW, creatorCount: CREATOR_COUNT };
    const groups = areas.flatMap((area) => area.generate(ctx));
    console.log(`  generated ${groups.map((g) => g.label).join(', ')} in ${Date.now() - started} ms`);
    for (const group of groups) {
      const t = Date.now();
      let chunk = [];
      let bytes = 0;
      let total = 0;
      const flush = async () => {
        if (chunk.length === 0) return;
        await db.batch(chunk.map((sql) => db.prepare(sql)));
        chunk = [];
        bytes = 0;
      };
      for (const statement of group.statements) {
        if (bytes + statement.length > CHUNK_BYTES) await flush();
        chunk.push(statement);
        bytes += statement.length;
        total += statement.length;
      }
      await flush();
      console.log(`  ✓ ${group.label} (${(total / 1e6).toFixed(1)} MB SQL) in ${Date.now() - t} ms`);
    }
    console.log(`  seed complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} finally {
  await dispose();
}
