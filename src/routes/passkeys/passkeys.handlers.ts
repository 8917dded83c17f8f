import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import type { PasskeyRow } from '../../db/schema';
import { requireUser } from '../../lib/auth';
import { clientInfo } from '../../lib/client-info';
import type { AppEnv } from '../../lib/context';
import { toIso } from '../../schemas/common';
import * as passkeys from '../../services/passkeys';
import { toUser } from '../../services/users';
import type * as routes from './passkeys.routes';

function toPasskey(row: PasskeyRow) {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.deviceType,
    backedUp: row.backedUp,
    createdAt: toIso(row.createdAt),
    lastUsedAt: row.lastUsedAt === null ? null : toIso(row.lastUsedAt),
  };
}

export const registerOptionsHandler: RouteHandler<typeof routes.registerOptions, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  c.header('Cache-Control', 'no-store');
  return c.json(await passkeys.registrationOptions(c.env, createDb(c.env.DB), userId), 200);
};

export const registerVerifyHandler: RouteHandler<typeof routes.registerVerify, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const db = createDb(c.env.DB);
  const row = await passkeys.verifyRegistration(c.env, db, userId, c.req.valid('json'), c.get('requestId'));
  return c.json(toPasskey(row), 201);
};

export const loginOptionsHandler: RouteHandler<typeof routes.loginOptions, AppEnv> = async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(await passkeys.loginOptions(c.env, createDb(c.env.DB)), 200);
};

export const loginVerifyHandler: RouteHandler<typeof routes.loginVerify, AppEnv> = async (c) => {
  const tokens = await passkeys.verifyLogin(c.env, createDb(c.env.DB), c.req.valid('json'), clientInfo(c));
  c.header('Cache-Control', 'no-store');
  return c.json({ user: toUser(tokens.user), accessToken: tokens.accessToken, refreshToken: tokens.refreshToken }, 200);
};

export const listHandler: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: (await passkeys.listPasskeys(createDb(c.env.DB), userId)).map(toPasskey) }, 200);
};

export const removeHandler: RouteHandler<typeof routes.remove, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  await passkeys.removePasskey(createDb(c.env.DB), userId, c.req.valid('param').id, c.get('requestId'));
  return c.body(null, 204);
};
