import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { follow, getProfile, unfollow } from '../../services/follows';
import type * as routes from './users.routes';

export const getOneHandler: RouteHandler<typeof routes.getOne, AppEnv> = async (c) => {
  const viewer = c.get('auth')?.userId;
  // `following` depends on who asks, and `liveNow` moves: short, per-viewer caching only.
  c.header('Cache-Control', viewer ? 'private, max-age=0, must-revalidate' : 'public, max-age=15');
  c.header('Vary', 'Authorization', { append: true });
  return c.json(await getProfile(createDb(c.env.DB), c.req.valid('param').id, viewer), 200);
};

export const followHandler: RouteHandler<typeof routes.follow, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await follow(createDb(c.env.DB), userId, c.req.valid('param').id), 200);
};

export const unfollowHandler: RouteHandler<typeof routes.unfollow, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await unfollow(createDb(c.env.DB), userId, c.req.valid('param').id), 200);
};
