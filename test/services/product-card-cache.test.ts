/**
 * Cache correctness: after every kind of write the next read of the card (and of lists) is fresh, whichever
 * path wrote: the catalog API, the inventory statements other capabilities use + stock.changed, a rename.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { emitDomainEvent } from '../../src/services/domain-events';
import { refreshProductStatement, releaseStatements, reserveStatements } from '../../src/services/inventory';
import { cardKvKey, getCardEntry, invalidateCards } from '../../src/services/product-card-cache';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { createProductApi } from '../helpers/products';
import { signUp } from '../helpers/users';

const card = async (id: string) => (await call('GET', `/v1/products/${id}`)).json;
const kvCard = (id: string) => env.PRODUCT_CARDS.get(cardKvKey(id));

async function cachedProduct(stock = 5) {
  const creator = await signUp('creator');
  const made = await createProductApi(creator.token, { stock });
  await card(made.id); // warm memory + KV
  await new Promise((r) => setTimeout(r, 20)); // the KV fill runs after the response (waitUntil)
  expect(await kvCard(made.id)).toContain(made.id);
  return { creator, made };
}

describe('product card cache', () => {
  it('serves a price change made through PATCH at once, in the card and in lists', async () => {
    const { creator, made } = await cachedProduct();
    const list = `/v1/products?creatorId=${creator.id}`;
    expect((await call('GET', list)).json.data[0].price.amount).toBe(4500);
    const etag = (await call('GET', `/v1/products/${made.id}`)).headers.get('etag') as string;
    await call('PATCH', `/v1/products/${made.id}`, {
      token: creator.token,
      body: { price: { amount: 3999, currency: 'EUR' } },
    });
    expect(await kvCard(made.id)).toBeNull();
    const fresh = await call('GET', `/v1/products/${made.id}`, { headers: { 'if-none-match': etag } });
    expect(fresh.status).toBe(200);
    expect(fresh.json.price.amount).toBe(3999);
    expect((await call('GET', list)).json.data[0].price.amount).toBe(3999);
  });

  it('serves stock changed by inventory statements once stock.changed is emitted', async () => {
    const { made } = await cachedProduct(5);
    const db = createDb(env.DB);
    const line = { variantId: made.variants[0].id, quantity: 2 };
    const [reserve] = reserveStatements(db, [line]);
    await db.batch([reserve, refreshProductStatement(db, made.id)]);
    // Without the event the card is still the cached one: this is what the subscriber exists for.
    expect((await card(made.id)).variants[0].stock).toBe(5);
    await emitDomainEvent({ type: 'stock.changed', productIds: [made.id], reason: 'test.reserve' }, { env });
    expect((await card(made.id)).variants[0].stock).toBe(3);
    const [release] = releaseStatements(db, [line]);
    await db.batch([release, refreshProductStatement(db, made.id)]);
    await emitDomainEvent({ type: 'stock.changed', productIds: [made.id], reason: 'test.release' }, { env });
    expect((await card(made.id)).variants[0].stock).toBe(5);
  });

  it('serves stock set through PATCH, and sold-out shows in lists', async () => {
    const { creator, made } = await cachedProduct(5);
    expect((await call('GET', `/v1/products?creatorId=${creator.id}&inStock=true`)).json.data).toHaveLength(1);
    await call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { stock: 0 } });
    expect(await card(made.id)).toMatchObject({ inStock: false, variants: [{ stock: 0 }] });
    expect((await call('GET', `/v1/products?creatorId=${creator.id}&inStock=true`)).json.data).toHaveLength(0);
  });

  it("serves the creator's new display name on every one of their cards", async () => {
    const { creator, made } = await cachedProduct();
    const second = await createProductApi(creator.token);
    await card(second.id);
    const res = await call('PATCH', '/v1/me', { token: creator.token, body: { displayName: 'Studio Nova' } });
    expect(res.status).toBe(200);
    expect((await card(made.id)).creator.displayName).toBe('Studio Nova');
    expect((await card(second.id)).creator.displayName).toBe('Studio Nova');
  });

  it('rebuilds cards and lists when product.stats_changed is emitted (reviews, moderation, likes)', async () => {
    const { creator, made } = await cachedProduct();
    const list = `/v1/products?creatorId=${creator.id}&sort=popular`;
    await call('GET', list);
    await env.DB.prepare("UPDATE products SET title = 'Renamed by a job' WHERE id = ?").bind(made.id).run();
    expect((await card(made.id)).title).toBe('Linen shirt'); // cached until told
    await emitDomainEvent({ type: 'product.stats_changed', productIds: [made.id] }, { env });
    expect((await card(made.id)).title).toBe('Renamed by a job');
    expect((await call('GET', list)).json.data[0].title).toBe('Renamed by a job');
  });

  it('forgets a deleted product at once', async () => {
    const { creator, made } = await cachedProduct();
    await call('DELETE', `/v1/products/${made.id}`, { token: creator.token });
    expect((await call('GET', `/v1/products/${made.id}`)).status).toBe(404);
    expect(await kvCard(made.id)).toBeNull();
  });

  it('stays fresh under concurrent reads racing a write', async () => {
    const { creator, made } = await cachedProduct();
    const reads = Array.from({ length: 20 }, () => call('GET', `/v1/products/${made.id}`));
    const write = call('PATCH', `/v1/products/${made.id}`, { token: creator.token, body: { title: 'Raced' } });
    await Promise.all([...reads, write]);
    await new Promise((r) => setTimeout(r, 20));
    expect((await card(made.id)).title).toBe('Raced');
    await new Promise((r) => setTimeout(r, 20));
    expect(await kvCard(made.id)).toContain('"Raced"');
  });

  it('does not store a card read that a write overtook (it may hold the old rows)', async () => {
    const creator = await signUp('creator');
    const { id } = await insertProduct({ creatorId: creator.id });
    const fills: Promise<unknown>[] = [];
    const read = getCardEntry(env, id, (p) => fills.push(p));
    await invalidateCards(env, [id]); // the write's invalidation lands while the read is in flight
    expect((await read)?.body).toContain(id);
    expect(fills).toHaveLength(0);
    expect(await kvCard(id)).toBeNull();
    await getCardEntry(env, id, (p) => fills.push(p)); // the next read caches again
    await Promise.all(fills);
    expect(await kvCard(id)).toContain(id);
  });
});
