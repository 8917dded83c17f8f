import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent, problems } from '../../lib/openapi';
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
    304: { description: 'Not modified (If-None-Match matched the ETag)' },
    ...problems(400, 401),
  },
});
