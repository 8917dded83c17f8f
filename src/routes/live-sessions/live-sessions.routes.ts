import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { QueryNumber } from '../../schemas/common';
import {
  LiveSession,
  LiveSessionCreate,
  LiveSessionListQuery,
  LiveSessionParams,
  LiveSnapshot,
  Replay,
} from '../../schemas/live-sessions';

export const tags = ['Live sessions'];

export const create = createRoute({
  operationId: 'liveSessions.create',
  method: 'post',
  path: '/v1/live-sessions',
  tags,
  summary: 'Schedule a live shopping session showing your products (creators)',
  security: bearerSecurity,
  middleware: [requireRole('creator')] as const,
  request: { body: jsonBody(LiveSessionCreate) },
  responses: { 201: jsonContent(LiveSession, 'The new session (status scheduled)'), ...problems(400, 401, 403, 413) },
});

export const list = createRoute({
  operationId: 'liveSessions.list',
  method: 'get',
  path: '/v1/live-sessions',
  tags,
  summary: 'Live sessions, newest first, optionally by status',
  request: { query: LiveSessionListQuery },
  responses: {
    200: jsonContent(Page(LiveSession, 'LiveSessionPage'), 'A page of sessions'),
    ...notModified,
    ...problems(400, 401),
  },
});

export const getOne = createRoute({
  operationId: 'liveSessions.get',
  method: 'get',
  path: '/v1/live-sessions/{id}',
  tags,
  summary: 'The session as a viewer sees it on connect (snapshot with epoch and seq)',
  request: { params: LiveSessionParams },
  responses: {
    200: jsonContent(LiveSnapshot, 'The current snapshot'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const replay = createRoute({
  operationId: 'liveSessions.replay',
  method: 'get',
  path: '/v1/live-sessions/{id}/replay',
  tags,
  summary: 'The event timeline with offsets from the start, for shoppable replays',
  request: { params: LiveSessionParams, query: PageQuery },
  responses: {
    200: jsonContent(Replay, 'A page of the timeline, oldest first'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const socket = createRoute({
  operationId: 'liveSessions.connect',
  method: 'get',
  path: '/v1/live-sessions/{id}/ws',
  tags,
  summary: 'WebSocket for viewers and the host (anonymous, or `?ticket=` from POST …/tickets)',
  description:
    'Upgrade to a WebSocket speaking the live protocol (README, "Live sessions"). `?lastSeq=&epoch=` resumes ' +
    'where a previous connection left off instead of starting with a snapshot.',
  request: {
    params: LiveSessionParams,
    query: z.object({
      ticket: z.string().max(64).optional().openapi({ description: 'Single-use ticket for signed-in users' }),
      lastSeq: QueryNumber(z.number().int().min(0)).optional(),
      epoch: QueryNumber(z.number().int()).optional(),
    }),
  },
  responses: { 101: { description: 'Switching protocols' }, ...problems(400, 401, 404, 426) },
});
