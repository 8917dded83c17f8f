// Picks the catalog paths `npm run bench` loads, from what the seeded database actually holds, and checks each
// answers 200 with data before any load is put on it (a benchmark of 404s would be meaningless).

async function getJson(base, path) {
  const res = await fetch(new URL(path, base));
  if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/** Distinct words of 5+ letters from product titles, lower-cased: terms that full-text search will find. */
function searchTerms(products, count) {
  const words = new Set();
  for (const product of products) {
    for (const word of String(product.title)
      .toLowerCase()
      .split(/[^a-z]+/)) {
      if (word.length >= 5) words.add(word);
    }
  }
  return [...words].slice(0, count);
}

async function allProductIds(base) {
  const ids = [];
  let cursor = null;
  do {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body = await getJson(base, `/v1/products?limit=100&sort=newest&fields=id${query}`);
    ids.push(...body.data.map((p) => p.id));
    cursor = body.nextCursor;
  } while (cursor);
  return ids;
}

// A no-op upper price bound that differs on every request, so the Worker's page cache never answers: what
// the query itself costs (D1 index walk or FTS5 match), not the cache in front of it.
const CACHE_BUSTER = '&maxPrice=99999999{seq}';

/**
 * Two sets over the seeded catalog: the paths a storefront repeats (a few hundred cards, each category, a few
 * dozen search terms: the Worker's caches answer most), and the same reads made to miss those caches.
 * @param {URL} base the Miniflare server
 * @returns {Promise<import('./lib/load.mjs').Target[]>}
 */
export async function discoverTargets(base) {
  const ids = await allProductIds(base);
  const sample = (await getJson(base, '/v1/products?limit=100&sort=popular')).data;
  const categories = (await getJson(base, '/v1/categories')).data.map((c) => c.id);
  const terms = searchTerms(sample, 20);
  const lists = categories.map((c) => `/v1/products?category=${encodeURIComponent(c)}&sort=price_asc`);
  const searches = terms.map((t) => `/v1/products?q=${encodeURIComponent(t)}`);
  const targets = [
    { name: 'card', paths: ids.slice(0, 300).map((id) => `/v1/products/${id}`) },
    { name: 'list (category + price_asc)', paths: lists },
    { name: 'search (q)', paths: searches },
    { name: 'card, all products (caches cold)', paths: ids.map((id) => `/v1/products/${id}`) },
    { name: 'list, cache-busted', paths: lists.map((p) => p + CACHE_BUSTER) },
    { name: 'search, cache-busted', paths: searches.map((p) => p + CACHE_BUSTER) },
  ];
  for (const target of targets) {
    if (target.paths.length === 0) throw new Error(`no paths found for ${target.name}: is the catalog seeded?`);
  }
  // Every list and search must find something, or we would be timing empty answers.
  for (const path of [...lists, ...searches]) {
    if ((await getJson(base, path)).data.length === 0) throw new Error(`${path} found nothing`);
  }
  return targets;
}
