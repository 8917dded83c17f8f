/**
 * `GET /v1/products`: builds ONE SQL statement per request from the documented filters and sorts, so the
 * index test (test/services/product-search-plans.test.ts) can EXPLAIN exactly what production runs.
 *
 * Keyset pagination: the cursor carries the last row's (sort key, id), scoped to the sort and filters it was
 * written under (src/lib/pagination); the next page starts strictly after it with a row-value comparison that
 * SQLite turns into an index range. Ids break ties, so no row is repeated or skipped while paging. Relevance
 * pages follow FTS5's bm25 rank, which depends on the whole corpus: a write between two pages may shift ranks
 * (the usual trade-off of ranked search).
 */
import { ApiError } from '../lib/errors';
import { money } from '../lib/money';
import { type CursorScope, decodeCursor, encodeCursor, invalidCursor } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { ProductListItem, ProductListQuery, SortName } from '../schemas/products';
import { firstImage } from '../schemas/social';

const sortColumns: Record<SortName, { key: string; dir: 'asc' | 'desc' }> = {
  relevance: { key: 'products_fts.rank', dir: 'asc' },
  newest: { key: 'p.created_at', dir: 'desc' },
  price_asc: { key: 'p.min_price', dir: 'asc' },
  price_desc: { key: 'p.min_price', dir: 'desc' },
  popular: { key: 'p.sales_count', dir: 'desc' },
  trending: { key: 'p.trending_score', dir: 'desc' },
};

const columns =
  'p.id, p.title, p.category_id, p.creator_id, p.media, p.currency, p.min_price, p.in_stock, p.created_at';

export interface BuiltQuery {
  sql: string;
  args: (string | number)[];
  scope: CursorScope;
}

/**
 * User text → an FTS5 query: each word quoted (so FTS operators in input are inert), all words required,
 * the last one as a prefix so results appear while typing.
 */
export function toFtsQuery(q: string): string {
  const words = q.match(/[\p{L}\p{N}]+/gu)?.slice(0, 8) ?? [];
  if (words.length === 0) {
    throw new ApiError('validation_failed', 'q must contain a letter or digit', {
      errors: [{ path: 'query.q', message: 'no searchable words' }],
    });
  }
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

export function effectiveSort(query: Pick<ProductListQuery, 'q' | 'sort'>): SortName {
  const sort = query.sort ?? (query.q ? 'relevance' : 'newest');
  return sort === 'relevance' && !query.q ? 'newest' : sort;
}

/** What a cursor is tied to: every filter and the sort, as they mean (`fields` only shapes the items). */
export function productListScope(query: ProductListQuery): CursorScope {
  const { q, category, creatorId, minPrice, maxPrice, inStock } = query;
  return [effectiveSort(query), q, category, creatorId, minPrice, maxPrice, inStock];
}

export function buildProductSearch(query: ProductListQuery): BuiltQuery {
  const sort = effectiveSort(query);
  const { key, dir } = sortColumns[sort];
  const where: string[] = [];
  const args: (string | number)[] = [];
  const filter = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    args.push(...values);
  };
  let from = 'products p';
  if (query.q) {
    from = 'products_fts JOIN products p ON p.search_rowid = products_fts.rowid';
    filter('products_fts MATCH ?', toFtsQuery(query.q));
  }
  if (query.category) filter('p.category_id = ?', query.category);
  if (query.creatorId) filter('p.creator_id = ?', query.creatorId);
  if (query.minPrice !== undefined) filter('p.min_price >= ?', query.minPrice);
  if (query.maxPrice !== undefined) filter('p.min_price <= ?', query.maxPrice);
  if (query.inStock !== undefined) filter('p.in_stock = ?', query.inStock ? 1 : 0);
  const scope = productListScope(query);
  const after = decodeCursor(query.cursor, 2, scope);
  // Every sort key is a number; anything else was not written by this list (SQLite would compare it anyway).
  if (after && (typeof after[0] !== 'number' || typeof after[1] !== 'string')) throw invalidCursor();
  // FTS5's rank is only usable in the select list, so relevance pages filter on the outer query below.
  if (after && sort !== 'relevance')
    filter(`(${key}, p.id) ${dir === 'asc' ? '>' : '<'} (?, ?)`, after[0] as number, after[1] as string);
  const order = `sort_key ${dir}, id ${dir}`;
  let sql = `SELECT ${columns}, ${key} AS sort_key FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  if (sort === 'relevance') {
    sql = `SELECT * FROM (${sql})${after ? ' WHERE (sort_key, id) > (?, ?)' : ''}`;
    if (after) args.push(after[0] as number, after[1] as string);
  }
  sql += ` ORDER BY ${order} LIMIT ?`;
  args.push(query.limit + 1);
  return { sql, args, scope };
}

interface Row {
  id: string;
  title: string;
  category_id: string | null;
  creator_id: string;
  media: string;
  currency: string;
  min_price: number;
  in_stock: number;
  created_at: number;
  sort_key: number;
}

function toItem(row: Row): ProductListItem {
  const media = JSON.parse(row.media) as { url: string; type: string }[];
  return {
    id: row.id,
    title: row.title,
    category: row.category_id,
    creatorId: row.creator_id,
    image: firstImage(media),
    price: money(row.min_price, row.currency),
    inStock: row.in_stock === 1,
    createdAt: toIso(row.created_at),
  };
}

/** Runs the list query; returns a page in the API's list shape. */
export async function searchProducts(d1: D1Database, query: ProductListQuery) {
  const built = buildProductSearch(query);
  const { results } = await d1
    .prepare(built.sql)
    .bind(...built.args)
    .all<Row>();
  const rows = results.slice(0, query.limit);
  const last = rows.at(-1);
  return {
    data: rows.map(toItem),
    nextCursor: results.length > query.limit && last ? encodeCursor([last.sort_key, last.id], built.scope) : null,
  };
}
