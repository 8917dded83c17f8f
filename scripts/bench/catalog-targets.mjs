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

/** True when the catalog has products (the seed has run). Throws if the catalog routes are missing. */
export async function catalogHasProducts(base) {
  const page = await getJson(base, '/v1/products?limit=1');
  return page.data.length > 0;
}

/**
 * @param {URL} base the Miniflare server
 * @returns {Promise<import('./lib/load.mjs').Target[]>} card, list and search targets
 */
export async function discoverTargets(base) {
  const sample = [];
  let cursor = null;
  for (let page = 0; page < 3; page += 1) {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body = await getJson(base, `/v1/products?limit=100&sort=newest${query}`);
    sample.push(...body.data);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  const categories = (await getJson(base, '/v1/categories')).data.map((c) => c.id);
  const terms = searchTerms(sample, 20);
  const targets = [
    { name: 'card', paths: sample.map((p) => `/v1/products/${p.id}`) },
    {
      name: 'list (category + price_asc)',
      paths: categories.map((c) => `/v1/products?category=${encodeURIComponent(c)}&sort=price_asc`),
    },
    { name: 'search (q)', paths: terms.map((t) => `/v1/products?q=${encodeURIComponent(t)}`) },
  ];
  for (const target of targets) {
    if (target.paths.length === 0) throw new Error(`no paths found for ${target.name}: is the catalog seeded?`);
    // Every list and search path must find something, or we would be timing empty answers.
    for (const path of target.paths) {
      const body = await getJson(base, path);
      if (Array.isArray(body.data) && body.data.length === 0) throw new Error(`${path} found nothing`);
    }
  }
  return targets;
}
