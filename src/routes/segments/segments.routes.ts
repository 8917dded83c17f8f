import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { Id, IdParams } from '../../schemas/common';
import { Membership, Segment, SegmentCreate, SegmentMember } from '../../schemas/discovery';

const tags = ['Segments'];

export const create = createRoute({
  operationId: 'segments.create',
  method: 'post',
  path: '/v1/admin/segments',
  tags,
  summary: 'Define a rule-based segment (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { body: jsonBody(SegmentCreate) },
  responses: { 201: jsonContent(Segment, 'The new segment'), ...problems(400, 401, 403, 409, 413) },
});

export const list = createRoute({
  operationId: 'segments.list',
  method: 'get',
  path: '/v1/admin/segments',
  tags,
  summary: 'Segments, oldest first (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { query: PageQuery },
  responses: { 200: jsonContent(Page(Segment, 'SegmentPage'), 'A page of segments'), ...problems(400, 401, 403) },
});

export const getOne = createRoute({
  operationId: 'segments.get',
  method: 'get',
  path: '/v1/admin/segments/{id}',
  tags,
  summary: 'A segment with its member count, evaluated now (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { params: IdParams('segment') },
  responses: { 200: jsonContent(Segment, 'The segment'), ...problems(400, 401, 403, 404) },
});

export const members = createRoute({
  operationId: 'segments.listMembers',
  method: 'get',
  path: '/v1/admin/segments/{id}/members',
  tags,
  summary: 'Users in the segment now (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { params: IdParams('segment'), query: PageQuery },
  responses: {
    200: jsonContent(Page(SegmentMember, 'SegmentMemberPage'), 'A page of members'),
    ...problems(400, 401, 403, 404),
  },
});

export const membership = createRoute({
  operationId: 'segments.membership',
  method: 'get',
  path: '/v1/admin/segments/{id}/members/{userId}',
  tags,
  summary: 'Whether one user is in the segment now (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: {
    params: IdParams('segment').extend({ userId: Id('user').openapi({ param: { name: 'userId', in: 'path' } }) }),
  },
  responses: { 200: jsonContent(Membership, 'Membership now'), ...problems(400, 401, 403, 404) },
});
