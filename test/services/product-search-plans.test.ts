/**
 * Every documented filter + sort combination (with and without q, first page and later pages) runs on an
 * index: EXPLAIN QUERY PLAN of the exact SQL the service builds must never show a full scan of products.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/lib/pagination';
import { type ProductListQuery, sortNames } from '../../src/schemas/products';
import { buildProductSearch, productListScope } from '../../src/services/product-search';

const filters: Partial<ProductListQuery> = {
  category: 'sneakers',
  creatorId: 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f',
  minPrice: 1000,
  maxPrice: 5000,
  inStock: true,
};
const filterNames = Object.keys(filters) as (keyof typeof filters)[];

function* combinations(): Generator<ProductListQuery> {
  for (let mask = 0; mask < 1 << filterNames.length; mask++) {
    const picked = Object.fromEntries(filterNames.filter((_, i) => mask & (1 << i)).map((n) => [n, filters[n]]));
    for (const q of [undefined, 'linen shirt']) {
      for (const sort of sortNames) {
        if (sort === 'relevance' && !q) continue;
        const first = { limit: 20, q, sort, ...picked } as ProductListQuery;
        yield first;
        yield { ...first, cursor: encodeCursor([1500, 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f'], productListScope(first)) };
      }
    }
  }
}

/** A full table scan: "SCAN p" / "SCAN products" without an index (FTS5's virtual-table scan is its index). */
const fullScan = /^SCAN (p|products)(?: AS p)?$/;

describe('product list query plans', () => {
  it('uses an index for every filter + sort combination', async () => {
    const queries = [...combinations()];
    expect(queries).toHaveLength(32 * 11 * 2);
    const statements = queries.map((query) => {
      const built = buildProductSearch(query);
      return env.DB.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).bind(...built.args);
    });
    // One batch: a round trip per statement would make this slow on a busy machine.
    const plans = await env.DB.batch<{ detail: string }>(statements);
    const offenders = plans
      .map((plan, i) => ({ query: queries[i], details: plan.results.map((r) => r.detail) }))
      .filter(({ details }) => details.length === 0 || details.some((d) => fullScan.test(d)))
      .map(({ query, details }) => `${JSON.stringify(query)} → ${details.join(' | ')}`);
    expect(offenders).toEqual([]);
  }, 30_000);

  it('detects a full scan when one happens (the check itself works)', async () => {
    const { results } = await env.DB.prepare('EXPLAIN QUERY PLAN SELECT id FROM products p WHERE p.title = ?')
      .bind('x')
      .all<{ detail: string }>();
    expect(results.some((r) => fullScan.test(r.detail))).toBe(true);
  });
});
