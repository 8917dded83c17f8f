import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import type { AppEnv } from '../../lib/context';
import { getFeed } from '../../services/feed';
import { PERSONALIZATION_VARY, requestContext } from '../../services/personalization';
import { relatedProducts } from '../../services/related';
import type * as routes from './feed.routes';

export const feedHandler: RouteHandler<typeof routes.feed, AppEnv> = async (c) => {
  const auth = c.get('auth');
  const { limit, cursor } = c.req.valid('query');
  const context = requestContext((name) => c.req.header(name));
  const result = await getFeed(c.env, createDb(c.env.DB), { auth, context, limit, cursor });
  c.header('Vary', PERSONALIZATION_VARY, { append: true });
  c.header('Cache-Control', auth ? 'private, no-store' : 'public, max-age=15');
  c.header('Content-Language', context.locale);
  c.header('X-Personalized', String(result.personalized));
  return c.json({ data: result.data, nextCursor: result.nextCursor }, 200);
};

export const relatedHandler: RouteHandler<typeof routes.related, AppEnv> = async (c) => {
  const auth = c.get('auth');
  const context = requestContext((name) => c.req.header(name));
  const data = await relatedProducts(c.env, createDb(c.env.DB), {
    productId: c.req.valid('param').id,
    limit: c.req.valid('query').limit,
    viewerId: auth?.userId ?? null,
    locale: context.locale,
  });
  c.header('Vary', PERSONALIZATION_VARY, { append: true });
  c.header('Cache-Control', auth ? 'private, max-age=0, must-revalidate' : 'public, max-age=60');
  c.header('Content-Language', context.locale);
  return c.json({ data }, 200);
};
