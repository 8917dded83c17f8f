/**
 * Every GET whose answer carries an ETag (all that are not `no-store`, see conditionalGet) answers a matching
 * If-None-Match with 304. Each GET operation of the served document is read once for real, signed out and
 * signed in, and revalidated; `call()`'s conformance check proves the operation declares the 304.
 */
import { describe, expect, it } from 'vitest';
import { callWithEnv } from '../helpers/app-env';
import { call } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { order } from '../helpers/orders';
import { createProductApi } from '../helpers/products';
import { createPost, shareOf } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

async function fixtures() {
  const [creator, shopper, admin, show] = await Promise.all([signUp('creator'), signUp(), signUpAdmin(), liveShow()]);
  const product = await createProductApi(creator.token);
  const post = await createPost(creator.token, { productIds: [product.id] });
  const video = await call('POST', '/v1/videos', {
    token: creator.token,
    body: {
      title: 'Look',
      url: 'https://cdn.test/v.mp4',
      productTags: [{ productId: product.id, startMs: 0, endMs: 9 }],
    },
  });
  const placed = await order(shopper.token, { items: [{ productId: product.id, quantity: 1 }] });
  const code = await shareOf(shopper.token, 'product', product.id);
  const byPrefix: [string, string][] = [
    ['/v1/products/', product.id],
    ['/v1/posts/', post.id],
    ['/v1/videos/', video.json.id],
    ['/v1/live-sessions/', show.id],
    ['/v1/users/', creator.id],
    ['/v1/orders/', placed.json.id],
    ['/v1/shares/', code],
  ];
  const fill = (path: string) => {
    const id = byPrefix.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f';
    const url = path.replace('{userId}', shopper.id).replace(/\{[^}]+\}/g, id);
    return path === '/v1/videos/{id}/products' ? `${url}?atMs=0` : url;
  };
  return { shopper, admin, fill };
}

describe('conditional GETs', () => {
  it('an unchanged signed-out feed revalidates to a declared 304', async () => {
    // Before this file makes any fixture: a feed showing a live session changes on every read (fresh figures).
    const reused = { FEED_RANKING_TTL_SECONDS: '1800' };
    const first = await callWithEnv(reused, 'GET', '/v1/feed');
    const etag = first.headers.get('etag');
    expect(first.status).toBe(200);
    expect(etag).toBeTruthy();
    const again = await callWithEnv(reused, 'GET', '/v1/feed', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });

  it('every GET answer with an ETag revalidates to a declared 304', async () => {
    const { shopper, admin, fill } = await fixtures();
    const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    // A share link redirects and the socket needs an upgrade: neither is a representation to revalidate.
    const paths = Object.keys(doc.paths).filter((p) => 'get' in doc.paths[p] && !/^\/s\/|\/ws$/.test(p));
    const revalidated: string[] = [];
    for (const path of paths) {
      const tokens = path.startsWith('/v1/admin/') ? [admin.token] : [undefined, shopper.token];
      for (const token of tokens) {
        const url = fill(path);
        const first = await call('GET', url, { token });
        const etag = first.headers.get('etag');
        if (first.status !== 200 || !etag) continue;
        const again = await call('GET', url, { token, headers: { 'if-none-match': etag } });
        // Changed between the two reads (the feed is ranked afresh on every read in tests): nothing to revalidate.
        if (again.status === 200 && again.headers.get('etag') !== etag) continue;
        expect(again.status, `GET ${url} ${token ? 'signed in' : 'signed out'}`).toBe(304);
        revalidated.push(path);
      }
    }
    // The catalog, posts, reviews, videos, live sessions, profiles and the cart at least.
    expect(new Set(revalidated).size).toBeGreaterThan(12);
  });
});
