import { createRoute, z } from '@hono/zod-openapi';
import { jsonContent, notModified, problems } from '../../lib/openapi';
import { Limit, Page, PageQuery } from '../../lib/pagination';
import { IdParams } from '../../schemas/common';
import { FeedItem, RelatedItem } from '../../schemas/discovery';

const tags = ['Discovery'];

const personalizationHeaders = z.object({
  'accept-language': z.string().max(500).optional().openapi({ example: 'de-DE,de;q=0.9,en;q=0.8' }),
  'x-currency': z.string().max(10).optional().openapi({ example: 'EUR' }),
  'x-device': z.string().max(20).optional().openapi({ example: 'ios' }),
});

export const feed = createRoute({
  operationId: 'feed.get',
  method: 'get',
  path: '/v1/feed',
  tags,
  summary: 'The feed: live now first, then followed people’s posts, products and videos blended with trending',
  description:
    'Signed out, or opted out of personalisation: trending only. The cursor pins the ranking of the first ' +
    'page for 30 minutes, so pages neither repeat nor skip items while scores move. `X-Personalized` says ' +
    'which feed was served.',
  request: { query: PageQuery, headers: personalizationHeaders },
  responses: {
    200: {
      ...jsonContent(Page(FeedItem, 'FeedPage'), 'A page of the feed'),
      headers: z.object({ 'X-Personalized': z.enum(['true', 'false']) }),
    },
    ...notModified,
    ...problems(400, 401),
  },
});

export const related = createRoute({
  operationId: 'products.related',
  method: 'get',
  path: '/v1/products/{id}/related',
  tags,
  summary: 'Products bought together with this one, then popular products of the same category',
  request: {
    params: IdParams('product'),
    // Strict like every list: it has no cursor, and a client paging with one must not get this page forever.
    query: z.object({ limit: Limit(50, 10) }).strict(),
    headers: personalizationHeaders,
  },
  responses: {
    200: jsonContent(z.object({ data: z.array(RelatedItem) }).openapi('RelatedList'), 'Related products'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});
