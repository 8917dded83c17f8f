/**
 * The maintenance cron's read of participation rows erasures left (privacy/live-resume.ts) runs every minute:
 * it must go through the partial index of marked rows, never over the accounts ever erased.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { leftParticipations } from '../../src/services/privacy/live-resume';

const planOf = async (query: { sql: string; params: unknown[] }) =>
  (
    await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>()
  ).results.map((row) => row.detail);

describe('erasures left for the cron: query plan', () => {
  it('reads the marked rows through their partial index, without reading users', async () => {
    const plan = await planOf(leftParticipations(createDb(env.DB)).toSQL());
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^(SCAN|SEARCH) live_participants USING (COVERING )?INDEX live_participants_erasure_left_idx\b/,
      ),
    );
    expect(plan.filter((detail) => /\busers\b/.test(detail))).toEqual([]);
  });
});
