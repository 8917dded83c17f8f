import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { clickShare, createShare, myShares, shareDestinations, shareStats } from '../../services/shares';
import type * as routes from './shares.routes';

const origin = (url: string) => new URL(url).origin;

export const createHandler: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const share = await createShare(createDb(c.env.DB), userId, c.req.valid('json'), origin(c.req.url));
  return c.json(share, 201);
};

export const statsHandler: RouteHandler<typeof routes.stats, AppEnv> = async (c) => {
  const auth = requireUser(c);
  c.header('Cache-Control', 'private, no-store');
  return c.json(await shareStats(createDb(c.env.DB), auth, c.req.valid('param').code, origin(c.req.url)), 200);
};

export const mineHandler: RouteHandler<typeof routes.mine, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  c.header('Cache-Control', 'private, no-store');
  return c.json(await myShares(createDb(c.env.DB), userId, c.req.valid('query'), origin(c.req.url)), 200);
};

const PHONE_AGENT = /\b(iPhone|iPad|iPod|Android)\b/i;

export const followHandler: RouteHandler<typeof routes.follow, AppEnv> = async (c) => {
  const { share, credited } = await clickShare(createDb(c.env.DB), c.req.valid('param').code, c.req.method !== 'HEAD');
  const { app, web } = shareDestinations(c.env, share, credited);
  const device = c.req.header('X-Device');
  const phone = device ? device === 'ios' || device === 'android' : PHONE_AGENT.test(c.req.header('User-Agent') ?? '');
  const target = phone && c.req.valid('query').web !== '1' ? app : web;
  // Every open must reach the Worker to be counted, so nothing may cache the redirect.
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'X-Device, User-Agent', { append: true });
  c.header('Link', `<${web}>; rel="alternate"`);
  return c.redirect(target, 302);
};
