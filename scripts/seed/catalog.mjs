// The demo catalog: categories, products and their variants, spread over the creators in `ctx.creators`.
// Titles, descriptions and tags are built from real words (vocabulary.mjs) so full-text search finds them.
import { seededId } from './prng.mjs';
import { insertRows } from './sql.mjs';
import { adjectives, benefits, categories, colours, styles } from './vocabulary.mjs';

export const PRODUCT_COUNT = 10_000;
const DAY = 86_400_000;
// The trending score's log-space encoding (src/services/trending.ts): log2(weight) + (t − epoch) / half-life.
const TRENDING_EPOCH_MS = Date.UTC(2026, 0, 1);
const TRENDING_HALF_LIFE_MS = 6 * 3600 * 1000;

const capitalise = (text) => text[0].toUpperCase() + text.slice(1);

function priceIn(random, [min, max]) {
  const dollars = Math.round(random.int(min, max) / 100);
  return dollars * 100 + (random.chance(0.7) ? -1 : 0);
}

function variantsFor(random, productId, category, basePrice, createdAt) {
  const [, , , , sizes] = category;
  const palette = random.sample(colours, random.int(1, 3));
  const picked = sizes ? random.sample(sizes, random.int(1, Math.min(4, sizes.length))) : [null];
  const combos = [];
  for (const size of picked.length ? picked : [sizes?.[0] ?? null]) {
    for (const colour of palette.length ? palette : [colours[0]]) combos.push({ size, colour });
  }
  return combos.slice(0, 6).map(({ size, colour }, position) => {
    const options = size ? { size, colour } : { colour };
    const bump = size && position > 0 && random.chance(0.2) ? Math.round(basePrice * 0.1) : 0;
    return {
      id: seededId('var', createdAt, random),
      product_id: productId,
      sku: `${category[0].slice(0, 3).toUpperCase()}-${productId.slice(-6).toUpperCase()}-${position + 1}`,
      options,
      price: basePrice + bump,
      stock_on_hand: random.chance(0.1) ? 0 : random.int(1, 60),
      stock_reserved: 0,
      position,
    };
  });
}

function describe(random, noun, material, palette, style) {
  return [
    `A ${material} ${noun} in ${palette.join(', ')}, ${random.pick(benefits)}.`,
    `${capitalise(style)} pick from our creators, ${random.pick(benefits)}.`,
    random.chance(0.5) ? `Pairs well with the rest of the ${random.pick(adjectives).toLowerCase()} collection.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Adds `ctx.products` (id, creatorId, categoryId, variantIds); returns the SQL in dependency order. */
export function generateCatalog(ctx) {
  const { random, now, creators } = ctx;
  const favourites = creators.map(() => random.sample(categories, 3).concat([random.pick(categories)]));
  const products = [];
  const variants = [];
  for (let i = 0; i < PRODUCT_COUNT; i++) {
    const creatorIndex = Math.floor(random.next() ** 1.5 * creators.length);
    const category = random.chance(0.85) ? random.pick(favourites[creatorIndex]) : random.pick(categories);
    const [categoryId, , nouns, materials] = category;
    const noun = random.pick(nouns);
    const material = random.pick(materials);
    const style = random.pick(styles);
    const createdAt = now - random.int(0, 360 * DAY);
    const id = seededId('prd', createdAt, random);
    const basePrice = priceIn(random, category[5]);
    const rows = variantsFor(random, id, category, basePrice, createdAt);
    const palette = [...new Set(rows.map((v) => v.options.colour))];
    const recent = random.chance(0.45);
    const lastActivity = now - random.int(0, 7 * DAY);
    products.push({
      id,
      creator_id: creators[creatorIndex].id,
      title: `${random.pick(adjectives)} ${material} ${noun}`,
      description: describe(random, noun, material, palette, style),
      category_id: categoryId,
      tags: [...new Set([categoryId, material, style, ...noun.split(' ').slice(-1)])],
      media: Array.from({ length: random.int(1, 3) }, (_, n) => ({
        url: `https://cdn.showroom.dev/demo/${categoryId}/${random.int(1, 40)}-${n + 1}.jpg`,
        type: 'image',
      })),
      currency: 'USD',
      min_price: Math.min(...rows.map((v) => v.price)),
      in_stock: rows.some((v) => v.stock_on_hand > 0),
      sales_count: Math.floor(random.next() ** 4 * 2500),
      trending_score: recent
        ? Math.log2(random.int(1, 200)) + (lastActivity - TRENDING_EPOCH_MS) / TRENDING_HALF_LIFE_MS
        : 0,
      created_at: createdAt,
      updated_at: createdAt,
    });
    variants.push(...rows);
    ctx.products ??= [];
    ctx.products.push({ id, creatorId: creators[creatorIndex].id, categoryId, variantIds: rows.map((v) => v.id) });
  }
  return {
    categories: insertRows(
      'categories',
      categories.map(([id, name]) => ({ id, name })),
    ),
    products: insertRows('products', products),
    variants: insertRows('variants', variants),
    counts: { categories: categories.length, products: products.length, variants: variants.length },
  };
}
