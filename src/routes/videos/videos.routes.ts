import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { IdParams } from '../../schemas/common';
import { AtQuery, Video, VideoCreate, VideoEventsBody, VideoProductsAt } from '../../schemas/discovery';

const tags = ['Videos'];

export const create = createRoute({
  operationId: 'videos.create',
  method: 'post',
  path: '/v1/videos',
  tags,
  summary: 'Publish a shoppable video with products tagged at time ranges (creator)',
  security: bearerSecurity,
  middleware: [requireRole('creator')] as const,
  request: { body: jsonBody(VideoCreate) },
  responses: { 201: jsonContent(Video, 'The new video'), ...problems(400, 401, 403, 413, 422) },
});

export const getOne = createRoute({
  operationId: 'videos.get',
  method: 'get',
  path: '/v1/videos/{id}',
  tags,
  summary: 'A video with its product tags',
  request: { params: IdParams('video') },
  responses: { 200: jsonContent(Video, 'The video'), ...notModified, ...problems(400, 401, 404) },
});

export const productsAt = createRoute({
  operationId: 'videos.productsAt',
  method: 'get',
  path: '/v1/videos/{id}/products',
  tags,
  summary: 'Products on screen at a moment of the video',
  request: { params: IdParams('video'), query: AtQuery },
  responses: {
    200: jsonContent(VideoProductsAt, 'The products tagged at atMs'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const events = createRoute({
  operationId: 'videos.recordEvents',
  method: 'post',
  path: '/v1/videos/{id}/events',
  tags,
  summary: 'Record viewer events (view, progress, product tap); anonymous viewers allowed',
  request: { params: IdParams('video'), body: jsonBody(VideoEventsBody) },
  responses: {
    202: jsonContent(z.object({ accepted: z.number().int() }).openapi('Accepted'), 'Recorded'),
    ...problems(400, 401, 404, 413, 422),
  },
});
