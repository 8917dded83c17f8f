import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { MePatch, User } from '../../schemas/users';

const tags = ['Accounts'];

export const getMe = createRoute({
  operationId: 'me.get',
  method: 'get',
  path: '/v1/me',
  tags,
  summary: 'The signed-in user',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(User, 'The signed-in user'), ...problems(401) },
});

export const patchMe = createRoute({
  operationId: 'me.update',
  method: 'patch',
  path: '/v1/me',
  tags,
  summary: 'Update display name and preferences (locale, currency, interests, consents)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(MePatch) },
  responses: { 200: jsonContent(User, 'The updated user'), ...problems(400, 401) },
});
