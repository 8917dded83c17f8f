import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { IdParams } from '../../schemas/common';
import { Review, ReviewCreate } from '../../schemas/social';

const tags = ['Social'];

export const list = createRoute({
  operationId: 'reviews.list',
  method: 'get',
  path: '/v1/products/{id}/reviews',
  tags,
  summary: 'Reviews of a product, newest first',
  request: { params: IdParams('product'), query: PageQuery },
  responses: {
    200: jsonContent(Page(Review, 'ReviewPage'), 'A page of reviews'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const create = createRoute({
  operationId: 'reviews.create',
  method: 'post',
  path: '/v1/products/{id}/reviews',
  tags,
  summary: 'Review a product (one per user; verified purchase set by the server)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('product'), body: jsonBody(ReviewCreate) },
  responses: { 201: jsonContent(Review, 'The new review'), ...problems(400, 401, 404, 409, 413, 422) },
});
