import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { createSegment, getSegment, isMember, listSegments, segmentMembers } from '../../services/segments';
import type * as routes from './segments.routes';

export const createHandler: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await createSegment(createDb(c.env.DB), userId, c.req.valid('json')), 201);
};

export const listHandler: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  c.header('Cache-Control', 'private, no-store');
  return c.json(await listSegments(createDb(c.env.DB), c.req.valid('query')), 200);
};

export const getOneHandler: RouteHandler<typeof routes.getOne, AppEnv> = async (c) => {
  c.header('Cache-Control', 'private, no-store');
  return c.json(await getSegment(createDb(c.env.DB), c.req.valid('param').id), 200);
};

export const membersHandler: RouteHandler<typeof routes.members, AppEnv> = async (c) => {
  c.header('Cache-Control', 'private, no-store');
  return c.json(await segmentMembers(createDb(c.env.DB), c.req.valid('param').id, c.req.valid('query')), 200);
};

export const membershipHandler: RouteHandler<typeof routes.membership, AppEnv> = async (c) => {
  const { id, userId } = c.req.valid('param');
  c.header('Cache-Control', 'private, no-store');
  return c.json(await isMember(createDb(c.env.DB), id, userId), 200);
};
