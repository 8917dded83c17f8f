import { createRoute } from '@hono/zod-openapi';
import { requireAdmin, requireRole } from '../../lib/auth';
import { bearerSecurity, jsonContent, problems } from '../../lib/openapi';
import { IdParams } from '../../schemas/common';
import { PrivacyExport } from '../../schemas/privacy';

// Any signed-in user, about themselves; admins may erase another account (a request made to support).
const tags = ['Privacy'];

export const exportMe = createRoute({
  operationId: 'me.export',
  method: 'get',
  path: '/v1/me/export',
  tags,
  summary: 'Every personal record the service holds about me, as JSON (data portability)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(PrivacyExport, 'The export'), ...problems(401) },
});

export const eraseMe = createRoute({
  operationId: 'me.erase',
  method: 'delete',
  path: '/v1/me',
  tags,
  summary: 'Erase my account and personal data everywhere; every token stops working at once',
  description:
    'Needs a session that signed in (password or passkey) within the last 10 minutes; otherwise 403 asks ' +
    'the app to sign in again. Orders and aggregate figures are kept without personal data. A live session ' +
    'that cannot be reached at the moment does not hold the erasure up: what it keeps about the user is erased ' +
    'by the maintenance job within minutes of it answering again.',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 204: { description: 'Erased' }, ...problems(401, 403, 429) },
});

export const eraseUser = createRoute({
  operationId: 'admin.users.erase',
  method: 'delete',
  path: '/v1/admin/users/{id}',
  tags,
  summary: 'Erase an account on the user’s behalf (admins only; not an admin account)',
  security: bearerSecurity,
  middleware: [requireAdmin] as const,
  request: { params: IdParams('user') },
  responses: { 204: { description: 'Erased' }, ...problems(400, 401, 403, 404, 429) },
});
