/** Catalog test helpers: creating products over HTTP as a creator, and a tiny category fixture. */
import { env } from 'cloudflare:test';
import { call } from './http';

export async function ensureCategory(id: string, name = id): Promise<string> {
  await env.DB.prepare('INSERT OR IGNORE INTO categories (id, name) VALUES (?, ?)').bind(id, name).run();
  return id;
}

// biome-ignore lint/suspicious/noExplicitAny: bodies are arbitrary JSON in tests
export async function createProductApi(token: string, body: Record<string, any> = {}) {
  const res = await call('POST', '/v1/products', {
    token,
    // A top-level stock is for the default variant only: products with variants leave it out.
    body: {
      title: 'Linen shirt',
      price: { amount: 4500, currency: 'EUR' },
      ...(body.variants ? {} : { stock: 5 }),
      ...body,
    },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json;
}
