/**
 * What an integrator writes with a client generated from /openapi.json (openapi-typescript + openapi-fetch).
 * `npm run openapi:client` type-checks it against types generated from the served document; it is never run.
 * Each `@ts-expect-error` is a mistake the types must catch: if they turned loose (`any`, `unknown`, an
 * optional where the server requires a value), the directive goes unused and the check fails.
 */
import createClient from 'openapi-fetch';
// Written by `npm run openapi:client`; not committed.
import type { components, paths } from '../../dist/openapi-client/schema';

type Money = components['schemas']['Money'];
type ProductCard = components['schemas']['ProductCard'];
type ProductListItem = components['schemas']['ProductListItem'];

// A product read may carry only the fields named in ?fields=, so the document types it as the full shape or
// some of it; a read without ?fields= gets the full shape, which a guard on a field it always has tells apart.
const isFullCard = (card: ProductCard | components['schemas']['ProductCardFields']): card is ProductCard =>
  card.variants !== undefined;
const isFullItem = (item: ProductListItem | components['schemas']['ProductListItemFields']): item is ProductListItem =>
  item.createdAt !== undefined;

const api = createClient<paths>({ baseUrl: 'http://localhost:8787', headers: { 'X-Device': 'web' } });
const price = (money: Money) => `${(money.amount / 100).toFixed(2)} ${money.currency}`;

export async function searchProducts(cursor?: string) {
  const { data, error } = await api.GET('/v1/products', {
    params: { query: { q: 'linen shirt', minPrice: 1000, inStock: 'true', sort: 'price_asc', limit: 10, cursor } },
  });
  if (error) throw new Error(`${error.code}: ${error.detail}`); // problem+json
  const lines = data.data.filter(isFullItem).map((item) => `${item.title} ${price(item.price)}`);
  return { lines, next: data.nextCursor ?? undefined };
}

export async function productCard(id: string) {
  const { data, error, response } = await api.GET('/v1/products/{id}', { params: { path: { id } } });
  if (error) return response.status === 404 ? undefined : Promise.reject(new Error(error.detail));
  // @ts-expect-error a card read may be sparse (?fields=): any field may be absent until narrowed
  data.price.amount;
  if (!isFullCard(data)) return undefined;
  const amount: number = data.price.amount;
  const variants = data.variants.map((variant) => variant.id);
  // @ts-expect-error ProductCard has no priceCents
  data.priceCents;
  return { amount, variants, creator: data.creator.displayName };
}

export async function productTitles(id: string) {
  const { data } = await api.GET('/v1/products/{id}', { params: { path: { id }, query: { fields: 'id,title' } } });
  return data && { id: data.id, title: data.title ?? '' };
}

export async function placeOrder(accessToken: string, productId: string) {
  const { data, error } = await api.POST('/v1/orders', {
    params: { header: { 'idempotency-key': crypto.randomUUID() } },
    headers: { Authorization: `Bearer ${accessToken}` },
    body: { items: [{ productId, quantity: 2 }] },
  });
  if (error) throw new Error(error.code);
  const status: 'pending_payment' | 'paid' | 'fulfilled' | 'cancelled' | 'refunded' = data.status;
  return { id: data.id, status, total: price(data.total) };
}

export async function watchLive(id: string) {
  const { data } = await api.GET('/v1/live-sessions/{id}', { params: { path: { id } } });
  if (!data) return undefined;
  const { session, seq } = data;
  // @ts-expect-error summary is null until the show ends
  session.summary.revenue;
  const revenue = session.summary ? price(session.summary.revenue) : undefined;
  const onSale = session.products.map((p) => ({ title: p.title, flash: p.flashSale && price(p.flashSale.price) }));
  return { status: session.status, seq, viewers: session.viewers, revenue, onSale };
}

export async function mistakes(id: string, productId: string) {
  // @ts-expect-error the path parameter is `id`
  await api.GET('/v1/products/{id}', { params: { path: { productId: id } } });
  const header = { 'idempotency-key': 'k1' };
  // @ts-expect-error quantity is an integer
  await api.POST('/v1/orders', { params: { header }, body: { items: [{ productId, quantity: '2' }] } });
  // @ts-expect-error an order needs an Idempotency-Key
  await api.POST('/v1/orders', { body: { items: [{ productId, quantity: 1 }] } });
  // @ts-expect-error ?atMs= is required
  await api.GET('/v1/videos/{id}/products', { params: { path: { id } } });
  // A field with a default may be left out (register as a shopper).
  await api.POST('/v1/auth/register', { body: { email: 'ada@example.com', password: 'pw', displayName: 'Ada' } });
}
