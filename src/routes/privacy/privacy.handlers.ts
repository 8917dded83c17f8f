import type { RouteHandler } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { authSessions, users } from '../../db/schema';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ApiError } from '../../lib/errors';
import { recordAudit } from '../../services/audit';
import { eraseUser, exportUser } from '../../services/privacy';
import type * as routes from './privacy.routes';

const REAUTH_WINDOW_MS = 10 * 60 * 1000;

export const exportHandler: RouteHandler<typeof routes.exportMe, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const body = await exportUser(c.env, userId);
  await recordAudit(createDb(c.env.DB), { type: 'account.exported', userId, requestId: c.get('requestId') });
  c.header('Cache-Control', 'private, no-store');
  c.header('Content-Disposition', `attachment; filename="showroom-export-${userId}.json"`);
  return c.json(body as typeof body & { format: 'showroom-export/1' }, 200);
};

export const eraseMeHandler: RouteHandler<typeof routes.eraseMe, AppEnv> = async (c) => {
  const { userId, sessionId } = requireUser(c);
  const db = createDb(c.env.DB);
  // A stolen access token or a long-lived refreshed session is not enough to destroy an account.
  const session = await db.query.authSessions.findFirst({ where: eq(authSessions.id, sessionId) });
  if (!session || Date.now() - session.createdAt > REAUTH_WINDOW_MS) {
    throw new ApiError('forbidden', 'Sign in again (password or passkey), then erase within 10 minutes');
  }
  await eraseUser(c.env, db, userId, c.get('requestId'));
  return c.body(null, 204);
};

export const eraseUserHandler: RouteHandler<typeof routes.eraseUser, AppEnv> = async (c) => {
  const admin = requireUser(c);
  const { id } = c.req.valid('param');
  const db = createDb(c.env.DB);
  const target = await db.query.users.findFirst({ where: eq(users.id, id) });
  if (!target) throw new ApiError('not_found', 'User not found');
  if (target.role === 'admin') throw new ApiError('forbidden', 'Admin accounts are removed from ADMIN_EMAILS first');
  await eraseUser(c.env, db, id, c.get('requestId'), admin.userId);
  return c.body(null, 204);
};
