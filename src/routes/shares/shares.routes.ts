import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { Page } from '../../lib/pagination';
import { MySharesQuery, Share, ShareCodeParams, ShareCreate, ShareStats } from '../../schemas/discovery';

const tags = ['Sharing'];

export const create = createRoute({
  operationId: 'shares.create',
  method: 'post',
  path: '/v1/shares',
  tags,
  summary: 'Make a share link for a product, post, video or live session',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(ShareCreate) },
  responses: { 201: jsonContent(Share, 'The short link'), ...problems(400, 401, 404, 413) },
});

export const stats = createRoute({
  operationId: 'shares.stats',
  method: 'get',
  path: '/v1/shares/{code}/stats',
  tags,
  summary: 'Clicks, attributed orders and revenue of a share (its sharer, the creator, or an admin)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: ShareCodeParams },
  responses: { 200: jsonContent(ShareStats, 'The share and its results'), ...problems(400, 401, 404) },
});

export const mine = createRoute({
  operationId: 'shares.listMine',
  method: 'get',
  path: '/v1/me/shares',
  tags,
  summary: 'Shares you made (as=sharer) or shares of your content (as=creator), with their results',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { query: MySharesQuery },
  responses: { 200: jsonContent(Page(ShareStats, 'ShareStatsPage'), 'A page of shares'), ...problems(400, 401) },
});

export const follow = createRoute({
  operationId: 'shares.follow',
  method: 'get',
  path: '/s/{code}',
  tags,
  security: [],
  summary: 'Open a share link: counts the click and redirects to the app (phones) or the web page',
  description:
    'Phones (`X-Device: ios|android`, or an iOS/Android user agent) go to the configured app deep link ' +
    '(`SHARE_APP_LINK_BASE`); everything else, or `?web=1`, goes to the web page (`SHARE_WEB_BASE`). ' +
    'Both carry `shareCode`, which the app sends with the order. The link of a sharer whose account was erased ' +
    'still redirects, without `shareCode`; the open is not counted and no order is credited to it.',
  request: {
    params: ShareCodeParams,
    query: z.object({ web: z.enum(['1']).optional().openapi({ description: 'Force the web fallback' }) }),
  },
  responses: {
    302: {
      description: 'Redirect to the app deep link or the web fallback',
      headers: z.object({ Location: z.string().openapi({ example: 'showroom://products/prd_…?shareCode=…' }) }),
    },
    ...problems(400, 401, 404),
  },
});
