import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ApiError } from '../../lib/errors';
import { toIso } from '../../schemas/common';
import { recordAudit } from '../../services/audit';
import { listSessions, revokeSessions } from '../../services/sessions';
import type * as routes from './sessions.routes';

export const listHandler: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const auth = requireUser(c);
  const rows = await listSessions(createDb(c.env.DB), auth.userId);
  c.header('Cache-Control', 'private, no-store');
  return c.json(
    {
      data: rows.map((r) => ({
        id: r.id,
        method: r.method,
        device: r.device,
        userAgent: r.userAgent,
        createdAt: toIso(r.createdAt),
        lastUsedAt: toIso(r.lastUsedAt),
        expiresAt: toIso(r.expiresAt),
        current: r.id === auth.sessionId,
      })),
    },
    200,
  );
};

export const removeHandler: RouteHandler<typeof routes.remove, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const { id } = c.req.valid('param');
  const db = createDb(c.env.DB);
  // Scoped by user id: another user's session id matches nothing and answers 404.
  if ((await revokeSessions(db, userId, { sessionId: id, reason: 'revoked_by_user' })) === 0) {
    throw new ApiError('not_found', 'Session not found');
  }
  await recordAudit(db, { type: 'session.revoked', userId, requestId: c.get('requestId'), details: { sessionId: id } });
  return c.body(null, 204);
};

export const removeAllHandler: RouteHandler<typeof routes.removeAll, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const db = createDb(c.env.DB);
  const count = await revokeSessions(db, userId, { reason: 'signed_out_everywhere' });
  await recordAudit(db, { type: 'sessions.revoked_all', userId, requestId: c.get('requestId'), details: { count } });
  return c.body(null, 204);
};
