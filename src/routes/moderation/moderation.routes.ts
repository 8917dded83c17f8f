import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { Hidden, HideBody, Report, ReportCreate, ReportTarget } from '../../schemas/social';

const tags = ['Moderation'];

export const report = createRoute({
  operationId: 'reports.create',
  method: 'post',
  path: '/v1/reports',
  tags,
  summary: 'Report a post, comment, review or video',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(ReportCreate) },
  responses: { 201: jsonContent(Report, 'The report was filed'), ...problems(400, 401, 404, 413) },
});

export const listReports = createRoute({
  operationId: 'reports.list',
  method: 'get',
  path: '/v1/admin/reports',
  tags,
  summary: 'Reports, newest first (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { query: PageQuery },
  responses: { 200: jsonContent(Page(Report, 'ReportPage'), 'A page of reports'), ...problems(400, 401, 403) },
});

export const hide = createRoute({
  operationId: 'moderation.hide',
  method: 'post',
  path: '/v1/moderation/hidden',
  tags,
  summary: 'Hide content from every feed and count (its creator’s space owner, or an admin)',
  description:
    'The post’s author may hide the post and its comments, a video’s creator the video. Reviews only an admin ' +
    'may hide: the product’s creator gets `403` and can report the review instead (a seller hiding reviews of ' +
    'their own products would skew the ratings buyers trust).',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(HideBody) },
  responses: { 200: jsonContent(Hidden, 'The content is hidden'), ...problems(400, 401, 403, 404) },
});

export const unhide = createRoute({
  operationId: 'moderation.unhide',
  method: 'delete',
  path: '/v1/moderation/hidden/{targetType}/{targetId}',
  tags,
  summary: 'Show hidden content again (what an admin hid: admins only)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: {
    params: z.object({
      targetType: ReportTarget.openapi({ param: { name: 'targetType', in: 'path' } }),
      targetId: z
        .string()
        .min(1)
        .max(40)
        .openapi({ param: { name: 'targetId', in: 'path' }, example: 'cmt_01jd3v8m2k9q4x7n5b6c8d0e1f' }),
    }),
  },
  responses: { 200: jsonContent(Hidden, 'The content is visible again'), ...problems(400, 401, 403, 404) },
});
