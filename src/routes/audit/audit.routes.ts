import { createRoute } from '@hono/zod-openapi';
import { requireAdmin } from '../../lib/auth';
import { bearerSecurity, jsonContent, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { AuditEvent, AuditQuery } from '../../schemas/auth';

// Admins only.
export const list = createRoute({
  operationId: 'audit.list',
  method: 'get',
  path: '/v1/admin/audit',
  tags: ['Admin'],
  summary: 'Security events (sign-ins, failures, role changes, token reuse, erasures), newest first',
  security: bearerSecurity,
  middleware: [requireAdmin] as const,
  request: { query: PageQuery.extend(AuditQuery.shape) },
  responses: { 200: jsonContent(Page(AuditEvent, 'AuditPage'), 'A page of events'), ...problems(400, 401, 403) },
});
