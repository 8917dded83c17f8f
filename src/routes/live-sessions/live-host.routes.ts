import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import {
  FlashSale,
  FlashSaleCreate,
  LiveEnded,
  LiveProductParams,
  LiveProductPatch,
  LiveSessionParams,
  SeqResult,
} from '../../schemas/live-sessions';
import { tags } from './live-sessions.routes';

const hostDescription = 'Host only: the creator who owns the session, or an admin; anyone else signed in gets 403.';

export const start = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.start',
  method: 'post',
  path: '/v1/live-sessions/{id}/start',
  summary: 'Go live',
  description: hostDescription,
  request: { params: LiveSessionParams },
  responses: { 200: jsonContent(SeqResult, 'Live; viewers got `started`'), ...problems(400, 401, 403, 404, 409) },
});

export const end = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.end',
  method: 'post',
  path: '/v1/live-sessions/{id}/end',
  summary: 'End the show and store its summary',
  description: `${hostDescription} Open holds keep their time, so viewers can still check out.`,
  request: { params: LiveSessionParams },
  responses: { 200: jsonContent(LiveEnded, 'Ended; viewers got `ended`'), ...problems(400, 401, 403, 404, 409) },
});

export const patchProduct = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.updateProduct',
  method: 'patch',
  path: '/v1/live-sessions/{id}/products/{productId}',
  summary: 'Change price, units on hand or pinning of a product in the show',
  description: `${hostDescription} Price and stock are written to the catalog too. Stock below the units held or reserved → 409 stock_reserved.`,
  request: { params: LiveProductParams, body: jsonBody(LiveProductPatch) },
  responses: { 200: jsonContent(SeqResult, 'The seq of the last event'), ...problems(400, 401, 403, 404, 409) },
});

export const flashSale = createRoute({
  tags,
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  operationId: 'liveSessions.flashSale',
  method: 'post',
  path: '/v1/live-sessions/{id}/flash-sales',
  summary: 'Run a flash sale on a product until endsAt (ends by itself, server-side)',
  description: `${hostDescription} The sale price (below every variant's current price) is the catalog price while it runs; the previous price comes back at endsAt (at most 24 hours ahead).`,
  request: { params: LiveSessionParams, body: jsonBody(FlashSaleCreate) },
  responses: { 201: jsonContent(FlashSale, 'The running sale'), ...problems(400, 401, 403, 404, 409) },
});
