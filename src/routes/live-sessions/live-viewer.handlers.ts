import type { RouteHandler } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { users } from '../../db/schema';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { toIso } from '../../schemas/common';
import { getLiveSessionRow, liveStub, recordParticipant, unwrap } from '../../services/live-sessions';
import type { createHold, releaseHold, ticket } from './live-viewer.routes';

export const createHoldHandler: RouteHandler<typeof createHold, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { userId } = requireUser(c);
  const db = createDb(c.env.DB);
  await getLiveSessionRow(db, id);
  const hold = unwrap(await liveStub(c.env, id).createHold({ userId, ...c.req.valid('json') }));
  await recordParticipant(db, id, userId);
  const quantity = c.req.valid('json').quantity;
  return c.json({ ...hold, quantity, expiresAt: toIso(hold.expiresAt) }, 201);
};

export const releaseHoldHandler: RouteHandler<typeof releaseHold, AppEnv> = async (c) => {
  const { id, holdId } = c.req.valid('param');
  const { userId } = requireUser(c);
  await getLiveSessionRow(createDb(c.env.DB), id);
  unwrap(await liveStub(c.env, id).releaseHold({ holdId, userId }));
  return c.body(null, 204);
};

export const ticketHandler: RouteHandler<typeof ticket, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const auth = requireUser(c);
  const db = createDb(c.env.DB);
  const session = await getLiveSessionRow(db, id);
  const [user] = await db.select({ displayName: users.displayName }).from(users).where(eq(users.id, auth.userId));
  const host = auth.role === 'admin' || session.creatorId === auth.userId;
  const result = unwrap(
    await liveStub(c.env, id).issueTicket({ userId: auth.userId, displayName: user?.displayName ?? 'Viewer', host }),
  );
  await recordParticipant(db, id, auth.userId);
  c.header('Cache-Control', 'no-store');
  return c.json({ ticket: result.ticket, expiresAt: toIso(result.expiresAt) }, 201);
};
