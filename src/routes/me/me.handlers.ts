import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { getUser, toUser, updateUser } from '../../services/users';
import type { getMe, patchMe } from './me.routes';

export const getMeHandler: RouteHandler<typeof getMe, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  c.header('Cache-Control', 'private, no-store');
  return c.json(toUser(await getUser(createDb(c.env.DB), userId)), 200);
};

export const patchMeHandler: RouteHandler<typeof patchMe, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const row = await updateUser(createDb(c.env.DB), userId, c.req.valid('json'), {
    env: c.env,
    requestId: c.get('requestId'),
  });
  return c.json(toUser(row), 200);
};
