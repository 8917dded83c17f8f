import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import type { AppEnv } from '../../lib/context';
import { toIso } from '../../schemas/common';
import { listAudit } from '../../services/audit';
import type * as routes from './audit.routes';

export const listHandler: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const page = await listAudit(createDb(c.env.DB), c.req.valid('query'));
  c.header('Cache-Control', 'private, no-store');
  return c.json({ data: page.data.map((e) => ({ ...e, at: toIso(e.at) })), nextCursor: page.nextCursor }, 200);
};
