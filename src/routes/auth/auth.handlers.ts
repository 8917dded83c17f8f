import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createDb } from '../../db/client';
import { clientInfo } from '../../lib/client-info';
import type { AppEnv } from '../../lib/context';
import { recordAudit } from '../../services/audit';
import { passwordLogin, register } from '../../services/login';
import { type IssuedTokens, refreshSession, revokeByRefreshToken } from '../../services/sessions';
import { toUser } from '../../services/users';
import type * as routes from './auth.routes';

/** Tokens must never be cached by anything between the server and the app. */
function tokenBody(c: Context<AppEnv>, tokens: IssuedTokens) {
  c.header('Cache-Control', 'no-store');
  return { user: toUser(tokens.user), accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
}

export const registerHandler: RouteHandler<typeof routes.register, AppEnv> = async (c) => {
  const tokens = await register(c.env, createDb(c.env.DB), c.req.valid('json'), clientInfo(c));
  return c.json(tokenBody(c, tokens), 201);
};

export const loginHandler: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid('json');
  const tokens = await passwordLogin(c.env, createDb(c.env.DB), email, password, clientInfo(c));
  return c.json(tokenBody(c, tokens), 200);
};

export const refreshHandler: RouteHandler<typeof routes.refresh, AppEnv> = async (c) => {
  const { refreshToken } = c.req.valid('json');
  const tokens = await refreshSession(c.env, createDb(c.env.DB), refreshToken, clientInfo(c));
  return c.json(tokenBody(c, tokens), 200);
};

export const logoutHandler: RouteHandler<typeof routes.logout, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const userId = await revokeByRefreshToken(db, c.req.valid('json').refreshToken);
  if (userId) {
    await recordAudit(db, {
      type: 'session.revoked',
      userId,
      requestId: c.get('requestId'),
      details: { reason: 'logout' },
    });
  }
  return c.body(null, 204);
};
