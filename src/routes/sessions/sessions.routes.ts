import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonContent, problems } from '../../lib/openapi';
import { SessionList } from '../../schemas/auth';
import { IdParams } from '../../schemas/common';

// Any signed-in user, on their own sessions only (someone else's session id is a 404).
const tags = ['Accounts'];

export const list = createRoute({
  operationId: 'sessions.list',
  method: 'get',
  path: '/v1/me/sessions',
  tags,
  summary: 'My signed-in devices (live sessions)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(SessionList, 'Live sessions, newest first'), ...problems(401) },
});

export const remove = createRoute({
  operationId: 'sessions.revoke',
  method: 'delete',
  path: '/v1/me/sessions/{id}',
  tags,
  summary: 'Sign one device out; its access and refresh tokens stop working at once',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('session') },
  responses: { 204: { description: 'Revoked' }, ...problems(400, 401, 404, 429) },
});

export const removeAll = createRoute({
  operationId: 'sessions.revokeAll',
  method: 'delete',
  path: '/v1/me/sessions',
  tags,
  summary: 'Sign out everywhere, including this device',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 204: { description: 'Every session revoked' }, ...problems(401, 429) },
});
