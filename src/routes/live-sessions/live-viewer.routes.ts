import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { Hold, HoldCreate, HoldParams, LiveSessionParams, Ticket } from '../../schemas/live-sessions';
import { tags } from './live-sessions.routes';

export const createHold = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.createHold',
  method: 'post',
  path: '/v1/live-sessions/{id}/holds',
  summary: 'Claim units while the show is live (held for 10 minutes or until ordered)',
  request: { params: LiveSessionParams, body: jsonBody(HoldCreate) },
  responses: {
    201: jsonContent(Hold, 'The hold; order it with POST /v1/orders {holdId}'),
    ...problems(400, 401, 404, 409),
  },
});

export const releaseHold = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.releaseHold',
  method: 'delete',
  path: '/v1/live-sessions/{id}/holds/{holdId}',
  summary: 'Give held units back (no-op when the hold already ended)',
  request: { params: HoldParams },
  responses: { 204: { description: 'Released' }, ...problems(400, 401, 404, 409) },
});

export const ticket = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.ticket',
  method: 'post',
  path: '/v1/live-sessions/{id}/tickets',
  summary: 'A single-use, one-minute ticket to open the WebSocket as yourself',
  description: 'Access tokens never go in URLs; connect to …/ws?ticket= with this instead.',
  request: { params: LiveSessionParams },
  responses: { 201: jsonContent(Ticket, 'The ticket'), ...problems(400, 401, 404) },
});
