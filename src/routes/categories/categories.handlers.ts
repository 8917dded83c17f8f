import type { RouteHandler } from '@hono/zod-openapi';
import type { AppEnv } from '../../lib/context';
import { catalogCacheHeaders, etagMatches, strongEtag } from '../../lib/http-cache';
import { listCategories } from '../../services/categories';
import { currentListGeneration, getListPage, putListPage } from '../../services/product-list-cache';
import type { list } from './categories.routes';

// Counts change with product creates and deletes, which empty the list-page cache (catalog-subscribers.ts).
const CACHE_KEY = 'categories';

export const listHandler: RouteHandler<typeof list, AppEnv> = async (c) => {
  let page = getListPage(CACHE_KEY);
  if (!page) {
    const startedAt = currentListGeneration();
    const body = JSON.stringify({ data: await listCategories(c.env.DB), nextCursor: null });
    const etag = await strongEtag(body);
    putListPage(CACHE_KEY, body, etag, startedAt);
    page = { body, etag, expiresAt: 0, generation: startedAt };
  }
  const headers = catalogCacheHeaders(c.env, c.get('auth') !== undefined, page.etag);
  if (etagMatches(c.req.header('If-None-Match'), page.etag)) return c.body(null, 304, headers);
  return c.body(page.body, 200, headers);
};
