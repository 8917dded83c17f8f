import type { RouteHandler } from '@hono/zod-openapi';
import { desc, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { createDb } from '../../db/client';
import type { ReportTarget } from '../../db/schema';
import { reports } from '../../db/schema';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { decodeCursor, paginate } from '../../lib/pagination';
import { toIso } from '../../schemas/common';
import { emitDomainEvent } from '../../services/domain-events';
import { createReport, setHidden } from '../../services/moderation';
import type * as routes from './moderation.routes';

export const reportHandler: RouteHandler<typeof routes.report, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await createReport(createDb(c.env.DB), userId, c.req.valid('json')), 201);
};

/** The reports list's cursor scope: the list's name, as it has no filters (pagination.ts). */
const REPORTS_LIST = ['reports'] as const;

export const listReportsHandler: RouteHandler<typeof routes.listReports, AppEnv> = async (c) => {
  const { limit, cursor } = c.req.valid('query');
  const before = decodeCursor(cursor, 1, REPORTS_LIST) as [string] | undefined;
  const rows = await createDb(c.env.DB)
    .select()
    .from(reports)
    .where(before ? lt(reports.id, before[0]) : undefined)
    .orderBy(desc(reports.id))
    .limit(limit + 1);
  const page = paginate(rows, limit, (row) => [row.id], REPORTS_LIST);
  c.header('Cache-Control', 'private, no-store');
  return c.json(
    { data: page.data.map((r) => ({ ...r, createdAt: toIso(r.createdAt) })), nextCursor: page.nextCursor },
    200,
  );
};

async function applyHidden(c: Context<AppEnv>, targetType: ReportTarget, targetId: string, hidden: boolean) {
  const { result, productIds } = await setHidden(createDb(c.env.DB), requireUser(c), targetType, targetId, hidden);
  if (productIds.length > 0) {
    await emitDomainEvent({ type: 'product.stats_changed', productIds }, { env: c.env, requestId: c.get('requestId') });
  }
  return result;
}

export const hideHandler: RouteHandler<typeof routes.hide, AppEnv> = async (c) => {
  const { targetType, targetId } = c.req.valid('json');
  return c.json(await applyHidden(c, targetType, targetId, true), 200);
};

export const unhideHandler: RouteHandler<typeof routes.unhide, AppEnv> = async (c) => {
  const { targetType, targetId } = c.req.valid('param');
  return c.json(await applyHidden(c, targetType, targetId, false), 200);
};
