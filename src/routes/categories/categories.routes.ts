import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent, notModified, problems } from '../../lib/openapi';
import { CategoryItem } from '../../schemas/products';

export const list = createRoute({
  operationId: 'categories.list',
  method: 'get',
  path: '/v1/categories',
  tags: ['Catalog'],
  summary: 'Every category with its product count',
  request: { query: z.object({}).strict() },
  responses: {
    200: jsonContent(
      z.object({ data: z.array(CategoryItem), nextCursor: z.null() }).openapi('CategoryList'),
      'All categories (one page: the list is short)',
    ),
    ...notModified,
    ...problems(400, 401),
  },
});
