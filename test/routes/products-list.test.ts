import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/lib/pagination';
import type { ProductListQuery } from '../../src/schemas/products';
import { productListScope } from '../../src/services/product-search';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { signUp } from '../helpers/users';

interface Item {
  id: string;
  price: { amount: number };
  inStock: boolean;
  category: string | null;
  createdAt: string;
}

// One creator's products, so filters scoped by creatorId see exactly these rows.
let creatorId = '';
const made: { id: string; price: number; stock: number; category: string; sales: number; trend: number }[] = [];

beforeAll(async () => {
  creatorId = (await signUp('creator')).id;
  for (let i = 0; i < 24; i++) {
    // Repeated prices, sales and scores exercise the id tie-break in cursors.
    const spec = {
      price: 1000 + (i % 6) * 500,
      stock: i % 4 === 0 ? 0 : 3,
      category: i % 2 ? 'list-odd' : 'list-even',
      sales: i % 5,
      trend: (i % 7) / 2,
    };
    const { id } = await insertProduct({
      creatorId,
      title: `Item ${i}`,
      categoryId: spec.category,
      variants: [{ price: spec.price, stock: spec.stock }],
    });
    await env.DB.prepare('UPDATE products SET sales_count = ?, trending_score = ?, created_at = ? WHERE id = ?')
      .bind(spec.sales, spec.trend, 1_700_000_000_000 + (i % 3) * 1000, id)
      .run();
    made.push({ id, ...spec });
  }
});

async function all(query: string, limit = 5): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const res = await call(
      'GET',
      `/v1/products?creatorId=${creatorId}&limit=${limit}&${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json.data.length).toBeLessThanOrEqual(limit);
    items.push(...res.json.data);
    cursor = res.json.nextCursor;
    if (!cursor) return items;
  }
  throw new Error('paging did not end');
}

const byId = new Map<string, (typeof made)[number]>();
const fact = (item: Item) => {
  if (byId.size === 0) for (const m of made) byId.set(m.id, m);
  return byId.get(item.id) as (typeof made)[number];
};

function expectOrdered(items: Item[], key: (i: Item) => number, dir: 'asc' | 'desc') {
  for (let i = 1; i < items.length; i++) {
    const [a, b] = [key(items[i - 1]), key(items[i])];
    const idOrder = items[i - 1].id < items[i].id ? 'asc' : 'desc';
    if (a === b) expect(idOrder).toBe(dir);
    else expect(dir === 'asc' ? a < b : a > b).toBe(true);
  }
}

describe('GET /v1/products paging and sorts', () => {
  const sorts: [string, (i: Item) => number, 'asc' | 'desc'][] = [
    ['newest', (i) => Date.parse(i.createdAt), 'desc'],
    ['price_asc', (i) => i.price.amount, 'asc'],
    ['price_desc', (i) => i.price.amount, 'desc'],
    ['popular', (i) => fact(i).sales, 'desc'],
    ['trending', (i) => fact(i).trend, 'desc'],
  ];
  for (const [sort, key, dir] of sorts) {
    it(`pages through every product exactly once, sorted ${sort}`, async () => {
      const items = await all(`sort=${sort}`);
      expect(items.map((i) => i.id).sort()).toEqual(made.map((m) => m.id).sort());
      expectOrdered(items, key, dir);
    });
  }

  it('defaults to newest, and relevance without q means newest', async () => {
    const newest = (await all('sort=newest', 100)).map((i) => i.id);
    expect((await all('', 100)).map((i) => i.id)).toEqual(newest);
    expect((await all('sort=relevance', 100)).map((i) => i.id)).toEqual(newest);
  });
});

describe('GET /v1/products filters', () => {
  it('filters by category, price range and stock, alone and combined', async () => {
    const ids = (items: Item[]) => items.map((i) => i.id).sort();
    const expected = (pred: (m: (typeof made)[number]) => boolean) =>
      made
        .filter(pred)
        .map((m) => m.id)
        .sort();
    expect(ids(await all('category=list-odd'))).toEqual(expected((m) => m.category === 'list-odd'));
    expect(ids(await all('minPrice=1500&maxPrice=2500'))).toEqual(expected((m) => m.price >= 1500 && m.price <= 2500));
    expect(ids(await all('inStock=true'))).toEqual(expected((m) => m.stock > 0));
    expect(ids(await all('inStock=false'))).toEqual(expected((m) => m.stock === 0));
    const combo = await all('category=list-even&minPrice=2000&inStock=true&sort=price_desc', 2);
    expect(ids(combo)).toEqual(expected((m) => m.category === 'list-even' && m.price >= 2000 && m.stock > 0));
    expectOrdered(combo, (i) => i.price.amount, 'desc');
  });

  it('serves sparse list items and rejects unknown fields', async () => {
    const res = await call('GET', `/v1/products?creatorId=${creatorId}&limit=2&fields=id,price`);
    expect(Object.keys(res.json.data[0])).toEqual(['id', 'price']);
    expect(expectProblem(await call('GET', '/v1/products?fields=id,cost'), 400).errors[0].path).toBe('query.fields');
  });

  it('answers bad input with 400 problems', async () => {
    for (const q of [
      'limit=0',
      'limit=101',
      'sort=cheapest',
      'minPrice=-1',
      'minPrice=10&maxPrice=5',
      'inStock=yes',
      'creatorId=bob',
      'cursor=%%%',
      'q=%22%22',
      'color=red',
      // An empty filter (a blank form field) is not a price of 0, which found nothing, or no filter.
      'maxPrice=',
      'minPrice=%20',
    ]) {
      expectProblem(await call('GET', `/v1/products?${q}`), 400);
    }
    // A cursor of the right sort and filters whose key is not what this list writes (forged, not from nextCursor).
    const forged = encodeCursor(['x', 'y'], productListScope({ sort: 'newest' } as ProductListQuery));
    expectInvalidCursor(await call('GET', `/v1/products?sort=newest&cursor=${forged}`));
  });

  it('refuses a cursor taken under another sort or other filters, naming the cursor', async () => {
    const filters = `creatorId=${creatorId}&category=list-even&minPrice=1000&maxPrice=3000&inStock=true&sort=popular`;
    const first = await call('GET', `/v1/products?${filters}&limit=1`);
    const cursor = first.json.nextCursor;
    expect(cursor).toBeTypeOf('string');
    const changed = [
      filters.replace('category=list-even', 'category=list-odd'),
      filters.replace('&category=list-even', ''),
      filters.replace(creatorId, (await signUp('creator')).id),
      filters.replace(`creatorId=${creatorId}&`, ''),
      filters.replace('minPrice=1000', 'minPrice=1500'),
      filters.replace('maxPrice=3000', 'maxPrice=2000'),
      filters.replace('inStock=true', 'inStock=false'),
      filters.replace('&inStock=true', ''),
      `${filters}&q=Item`,
      filters.replace('sort=popular', 'sort=newest'),
      filters.replace('&sort=popular', ''),
    ];
    for (const query of changed) {
      expectInvalidCursor(await call('GET', `/v1/products?${query}&limit=1&cursor=${cursor}`));
    }
    // The same filters in another order, or with other sparse fields, are the same list.
    const reordered = filters.split('&').reverse().join('&');
    const same = await call('GET', `/v1/products?${reordered}&fields=id,price&limit=1&cursor=${cursor}`);
    expect(same.status, same.text).toBe(200);
    expect(same.json.data[0].id).not.toBe(first.json.data[0].id);
  });

  it('says what limit takes when it is blank, zero, too big or not a whole number', async () => {
    for (const limit of ['', '0', '101', '1.5', 'ten']) {
      const problem = expectProblem(await call('GET', `/v1/products?limit=${limit}`), 400);
      expect(problem.errors).toEqual([{ path: 'query.limit', message: 'limit must be an integer from 1 to 100' }]);
    }
    // Lists with a smaller page say their own bound, from the same schema.
    const related = expectProblem(await call('GET', `/v1/products/${made[0].id}/related?limit=0`), 400);
    expect(related.errors[0].message).toBe('limit must be an integer from 1 to 50');
  });

  it('lists with an ETag and answers 304 when unchanged', async () => {
    const first = await call('GET', `/v1/products?creatorId=${creatorId}&limit=3`);
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"/);
    expect(first.headers.get('cache-control')).toContain('public');
    const again = await call('GET', `/v1/products?creatorId=${creatorId}&limit=3`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });
});

describe('GET /v1/products full-text search', () => {
  it('finds products by title, description and tag words, and ranks by relevance', async () => {
    const creator = await signUp('creator');
    const word = `zq${crypto.randomUUID().slice(0, 6).replaceAll('-', '')}`;
    const post = (body: object) =>
      call('POST', '/v1/products', {
        token: creator.token,
        body: { price: { amount: 900, currency: 'USD' }, ...body },
      });
    const inTitle = (await post({ title: `Woven ${word} basket` })).json.id;
    const inDescription = (await post({ title: 'Plain basket', description: `Hand made from ${word} fibres` })).json.id;
    const inTag = (await post({ title: 'Market tote', tags: [word, 'bags'] })).json.id;
    await post({ title: 'Unrelated lamp', description: 'brass' });
    const res = await call('GET', `/v1/products?q=${word}&creatorId=${creator.id}`);
    expect(res.json.data.map((i: Item) => i.id).sort()).toEqual([inTitle, inDescription, inTag].sort());
    // bm25: a product that says the word everywhere, in a short text, ranks above passing mentions.
    const strongest = (await post({ title: `${word} ${word}`, description: word, tags: [word] })).json.id;
    const ranked = await call('GET', `/v1/products?q=${word}&creatorId=${creator.id}&sort=relevance`);
    expect(ranked.json.data[0].id).toBe(strongest);
    expect(ranked.json.data).toHaveLength(4);
    const stemmed = await call('GET', `/v1/products?q=baskets+${word}&creatorId=${creator.id}`);
    expect(stemmed.json.data.map((i: Item) => i.id).sort()).toEqual([inTitle, inDescription].sort());
    const prefix = await call('GET', `/v1/products?q=${word.slice(0, 5)}&creatorId=${creator.id}&limit=1`);
    expect(prefix.json.data).toHaveLength(1);
    const page2 = await call(
      'GET',
      `/v1/products?q=${word.slice(0, 5)}&creatorId=${creator.id}&limit=1&cursor=${prefix.json.nextCursor}`,
    );
    expect(page2.json.data).toHaveLength(1);
    expect(page2.json.data[0].id).not.toBe(prefix.json.data[0].id);
    const operators = await call('GET', `/v1/products?q=${encodeURIComponent(`"${word}" OR NEAR(`)}`);
    expect(operators.status).toBe(200);
  });
});
