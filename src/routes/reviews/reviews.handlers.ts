import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { emitDomainEvent } from '../../services/domain-events';
import { createReview, listReviews } from '../../services/reviews';
import type * as routes from './reviews.routes';

export const listHandler: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  c.header('Cache-Control', 'public, max-age=30');
  return c.json(await listReviews(createDb(c.env.DB), c.req.valid('param').id, c.req.valid('query')), 200);
};

export const createHandler: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const productId = c.req.valid('param').id;
  const review = await createReview(createDb(c.env.DB), productId, userId, c.req.valid('json'));
  await emitDomainEvent(
    { type: 'product.stats_changed', productIds: [productId] },
    { env: c.env, requestId: c.get('requestId'), waitUntil: (p) => c.executionCtx.waitUntil(p) },
  );
  return c.json(review, 201);
};
