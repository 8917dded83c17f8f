// Shared by the live failover check and the live benchmark: the live client bundled for Node, and a
// seeded show (a creator, a product written straight to D1, a started session) on a running server.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..', '..');

/** Bundles src/live-client (TypeScript) into dist/ and imports it: the same code browsers would run. */
export async function loadLiveClient() {
  const outfile = join(root, 'dist', 'live-client.mjs');
  await build({
    entryPoints: [join(root, 'src', 'live-client', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    outfile,
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

async function json(res, expected) {
  const body = await res.json().catch(() => undefined);
  if (res.status !== expected) throw new Error(`${res.url} → ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * A creator with one product (price 10.00 USD, `stock` units) and a live session showing it.
 * @returns {Promise<{ sessionId: string, productId: string, variantId: string, token: string }>}
 */
export async function seedShow({ url, mf, stock = 1_000_000 }) {
  const email = `host-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@live.test`;
  const registered = await json(
    await fetch(new URL('/v1/auth/register', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct-horse-battery', displayName: 'Host', role: 'creator' }),
    }),
    201,
  );
  const token = registered.accessToken;
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`.padEnd(26, '0').slice(0, 26);
  const productId = `prd_${suffix}`;
  const variantId = `var_${suffix}`;
  const db = await mf.getD1Database('DB');
  const now = Date.now();
  await db.batch([
    db
      .prepare(
        `insert into products (id, creator_id, title, tags, media, currency, min_price, in_stock, created_at, updated_at)
         values (?, ?, 'Bench sneaker', '[]', '[]', 'USD', 1000, 1, ?, ?)`,
      )
      .bind(productId, registered.user.id, now, now),
    db
      .prepare('insert into variants (id, product_id, options, price, stock_on_hand) values (?, ?, ?, 1000, ?)')
      .bind(variantId, productId, '{}', stock),
  ]);
  const authed = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const session = await json(
    await fetch(new URL('/v1/live-sessions', url), {
      method: 'POST',
      headers: authed,
      body: JSON.stringify({ title: 'Live check', productIds: [productId] }),
    }),
    201,
  );
  await json(
    await fetch(new URL(`/v1/live-sessions/${session.id}/start`, url), { method: 'POST', headers: authed }),
    200,
  );
  return { sessionId: session.id, productId, variantId, token };
}

/** The host's update: units on hand for the product; answers the event's seq. */
export async function setStock({ url, sessionId, productId, token }, stock) {
  const res = await fetch(new URL(`/v1/live-sessions/${sessionId}/products/${productId}`, url), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ stock }),
  });
  return (await json(res, 200)).seq;
}
