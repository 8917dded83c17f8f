import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { createVideo, getVideo, productsAt, recordVideoEvents } from '../../services/videos';
import type * as routes from './videos.routes';

export const createHandler: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const video = await createVideo(createDb(c.env.DB), requireUser(c), c.req.valid('json'));
  c.header('Location', `/v1/videos/${video.id}`);
  return c.json(video, 201);
};

export const getOneHandler: RouteHandler<typeof routes.getOne, AppEnv> = async (c) => {
  const auth = c.get('auth');
  c.header('Cache-Control', auth ? 'private, max-age=0, must-revalidate' : 'public, max-age=30');
  c.header('Vary', 'Authorization', { append: true });
  return c.json(await getVideo(createDb(c.env.DB), c.req.valid('param').id, auth), 200);
};

export const productsAtHandler: RouteHandler<typeof routes.productsAt, AppEnv> = async (c) => {
  // Tags and titles change rarely; stock flips are caught within the minute.
  c.header('Cache-Control', 'public, max-age=60');
  return c.json(await productsAt(createDb(c.env.DB), c.req.valid('param').id, c.req.valid('query').atMs), 200);
};

export const eventsHandler: RouteHandler<typeof routes.events, AppEnv> = async (c) => {
  const device = c.req.header('X-Device');
  const result = await recordVideoEvents(
    createDb(c.env.DB),
    c.req.valid('param').id,
    c.get('auth')?.userId ?? null,
    device === 'ios' || device === 'android' || device === 'web' ? device : null,
    c.req.valid('json').events,
  );
  return c.json(result, 202);
};
