// The seed, area by area, in dependency order. Each area reads what earlier ones put on `ctx`
// (ctx.creators, ctx.shopper, ctx.admin, ctx.products …) and returns labelled groups of SQL statements.
// To seed another capability (follows, posts, likes, orders…), add a module here and list it in `areas`.
import { generateAccounts, generateShopper } from './accounts.mjs';
import { generateCatalog } from './catalog.mjs';

export const areas = [
  {
    name: 'accounts',
    generate: (ctx) => [{ label: `${ctx.creatorCount} creators + admin`, statements: generateAccounts(ctx) }],
  },
  {
    name: 'catalog',
    generate: (ctx) => {
      const sql = generateCatalog(ctx);
      return [
        { label: `${sql.counts.categories} categories`, statements: sql.categories },
        { label: `${sql.counts.products} products`, statements: sql.products },
        { label: `${sql.counts.variants} variants`, statements: sql.variants },
      ];
    },
  },
  // Keep last: the demo shopper's presence marks a completed seed (see scripts/seed.mjs).
  { name: 'completion', generate: (ctx) => [{ label: 'demo shopper', statements: generateShopper(ctx) }] },
];
