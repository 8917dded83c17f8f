import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonContent, notModified, problems } from '../../lib/openapi';
import { IdParams } from '../../schemas/common';
import { FollowState, Profile } from '../../schemas/social';

const tags = ['Social'];

export const getOne = createRoute({
  operationId: 'users.get',
  method: 'get',
  path: '/v1/users/{id}',
  tags,
  summary: 'A public profile: follower and following counts, live now',
  request: { params: IdParams('user') },
  responses: { 200: jsonContent(Profile, 'The profile'), ...notModified, ...problems(400, 401, 404) },
});

export const follow = createRoute({
  operationId: 'users.follow',
  method: 'post',
  path: '/v1/users/{id}/follow',
  tags,
  summary: 'Follow a user (idempotent)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('user') },
  responses: { 200: jsonContent(FollowState, 'You follow them'), ...problems(400, 401, 404, 422) },
});

export const unfollow = createRoute({
  operationId: 'users.unfollow',
  method: 'delete',
  path: '/v1/users/{id}/follow',
  tags,
  summary: 'Stop following a user (idempotent)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('user') },
  responses: { 200: jsonContent(FollowState, 'You no longer follow them'), ...problems(400, 401, 404) },
});
