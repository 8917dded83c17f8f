import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { isConfiguredAdmin, issueAccessToken } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { authenticateUser, registerUser, toUser } from '../../services/users';
import type { login, register } from './auth.routes';

export const registerHandler: RouteHandler<typeof register, AppEnv> = async (c) => {
  const body = c.req.valid('json');
  const row = await registerUser(createDb(c.env.DB), body, isConfiguredAdmin(c.env, body.email));
  const accessToken = await issueAccessToken(c.env, { userId: row.id, role: row.role });
  return c.json({ user: toUser(row), accessToken }, 201);
};

export const loginHandler: RouteHandler<typeof login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid('json');
  const row = await authenticateUser(createDb(c.env.DB), email, password);
  const accessToken = await issueAccessToken(c.env, { userId: row.id, role: row.role });
  return c.json({ user: toUser(row), accessToken }, 200);
};
