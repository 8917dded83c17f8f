import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ApiError } from '../../lib/errors';
import {
  catalogCacheHeaders,
  derivedEtag,
  etagMatches,
  ifMatchVersions,
  pickFields,
  strongEtag,
  versionedEtag,
} from '../../lib/http-cache';
import { buildProductCard } from '../../services/product-card';
import { getCardEntry, parsedCard } from '../../services/product-card-cache';
import { currentListGeneration, getListPage, putListPage } from '../../services/product-list-cache';
import { searchProducts } from '../../services/product-search';
import { createProduct, deleteProduct, updateProduct } from '../../services/products';
import type { create, getOne, list, patch, remove } from './products.routes';

/** Sends a cached representation: 304 when the client already has it, else the stored bytes as they are. */
function sendCached(c: Context<AppEnv>, body: string, etag: string): Response {
  const headers = catalogCacheHeaders(c.env, c.get('auth') !== undefined, etag);
  if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(body, 200, headers);
}

function events(c: Context<AppEnv>) {
  return { env: c.env, requestId: c.get('requestId'), waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p) };
}

/**
 * The card as written, read from D1 (never a cache), with its ETag: the version the next GET names too. The
 * digest may differ from that GET's, as every build computes social proof afresh (its `asOf`).
 */
async function freshCard(c: Context<AppEnv>, id: string) {
  const built = await buildProductCard(c.env, createDb(c.env.DB), id);
  if (!built) throw new ApiError('not_found', 'Product not found');
  c.header('ETag', await versionedEtag(built.version, JSON.stringify(built.card)));
  return built.card;
}

const precondition = (ifMatch: string | undefined) => (ifMatch === undefined ? undefined : ifMatchVersions(ifMatch));

export const listHandler: RouteHandler<typeof list, AppEnv> = async (c) => {
  const query = c.req.valid('query');
  // The raw query string is the cache key: equal strings are equal queries (validated above).
  const url = c.req.url;
  const queryStart = url.indexOf('?');
  const key = queryStart === -1 ? '' : url.slice(queryStart);
  const cached = getListPage(key);
  if (cached) return sendCached(c, cached.body, cached.etag);
  const startedAt = currentListGeneration();
  const page = await searchProducts(c.env.DB, query);
  const fields = query.fields;
  const body = JSON.stringify(fields ? { ...page, data: page.data.map((item) => pickFields(item, fields)) } : page);
  const etag = await strongEtag(body);
  putListPage(key, body, etag, startedAt);
  return sendCached(c, body, etag);
};

export const getOneHandler: RouteHandler<typeof getOne, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const entry = await getCardEntry(c.env, id, (p) => c.executionCtx.waitUntil(p));
  if (!entry) throw new ApiError('not_found', 'Product not found');
  const { fields } = c.req.valid('query');
  if (!fields) return sendCached(c, entry.body, entry.etag);
  // A sparse card is a different representation, so its digest differs; it names the same version (If-Match).
  const body = JSON.stringify(pickFields(parsedCard(entry), fields));
  return sendCached(c, body, derivedEtag(entry.etag, fields));
};

export const createHandler: RouteHandler<typeof create, AppEnv> = async (c) => {
  const auth = requireUser(c);
  const id = await createProduct(createDb(c.env.DB), auth.userId, c.req.valid('json'), events(c));
  c.header('Location', `/v1/products/${id}`);
  return c.json(await freshCard(c, id), 201);
};

export const patchHandler: RouteHandler<typeof patch, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  await updateProduct(
    createDb(c.env.DB),
    requireUser(c),
    id,
    c.req.valid('json'),
    events(c),
    precondition(c.req.valid('header')['if-match']),
  );
  return c.json(await freshCard(c, id), 200);
};

export const removeHandler: RouteHandler<typeof remove, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  await deleteProduct(
    createDb(c.env.DB),
    requireUser(c),
    id,
    events(c),
    precondition(c.req.valid('header')['if-match']),
  );
  return c.body(null, 204);
};
