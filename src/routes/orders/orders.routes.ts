import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import { PageQuery } from '../../lib/pagination';
import { IdParams } from '../../schemas/common';
import { Order, OrderCreate, OrderPage, PaymentCreate, PaymentIntent } from '../../schemas/orders';

const tags = ['Orders'];

const IdempotencyKey = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .openapi({
      param: { name: 'idempotency-key', in: 'header', required: true },
      description: 'Unique per intended operation (e.g. a UUID); retries reuse it. Kept 7 days.',
      example: '0b4c6a3e-9f1d-4c2a-8e7b-5d6f0a1b2c3d',
    }),
});

export const create = createRoute({
  operationId: 'orders.create',
  method: 'post',
  path: '/v1/orders',
  tags,
  summary: 'Place an order from items, the cart, or a live hold (reserves stock or fails with 409)',
  description:
    'Prices come from the server. Exactly one of `items`, `fromCart` or `holdId`. A replay with the same Idempotency-Key returns the first response with `Idempotent-Replayed: true`; the order keeps its key, so a retry that runs again (the stored response was lost) answers with that order, and the key with another body is 422.',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { headers: IdempotencyKey, body: jsonBody(OrderCreate) },
  responses: {
    201: jsonContent(Order, 'The order, awaiting payment'),
    ...problems(400, 401, 404, 409, 410, 413, 422, 429),
  },
});

export const list = createRoute({
  operationId: 'orders.list',
  method: 'get',
  path: '/v1/orders',
  tags,
  summary: 'My orders, newest first',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { query: PageQuery },
  responses: { 200: jsonContent(OrderPage, 'A page of orders'), ...problems(400, 401) },
});

export const getOne = createRoute({
  operationId: 'orders.get',
  method: 'get',
  path: '/v1/orders/{id}',
  tags,
  summary: 'One order (its buyer or an admin; anyone else gets 404)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('order') },
  responses: { 200: jsonContent(Order, 'The order'), ...problems(400, 401, 404) },
});

export const cancel = createRoute({
  operationId: 'orders.cancel',
  method: 'post',
  path: '/v1/orders/{id}/cancel',
  tags,
  summary: 'Cancel an unpaid order; its units go back on sale',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('order') },
  responses: { 200: jsonContent(Order, 'The cancelled order'), ...problems(400, 401, 404, 409) },
});

export const pay = createRoute({
  operationId: 'orders.pay',
  method: 'post',
  path: '/v1/orders/{id}/payment',
  tags,
  summary: 'Create (or return the open) provider payment intent for an unpaid order (its buyer only)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: {
    params: IdParams('order'),
    headers: IdempotencyKey,
    body: { ...jsonBody(PaymentCreate), required: false },
  },
  responses: {
    200: jsonContent(PaymentIntent, 'The open payment intent, already created'),
    201: jsonContent(PaymentIntent, 'A new payment intent'),
    ...problems(400, 401, 403, 404, 409, 422, 503),
  },
});

export const fulfil = createRoute({
  operationId: 'orders.fulfill',
  method: 'post',
  path: '/v1/orders/{id}/fulfill',
  tags,
  summary: 'Mark a paid order shipped (admin)',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { params: IdParams('order') },
  responses: { 200: jsonContent(Order, 'The fulfilled order'), ...problems(400, 401, 403, 404, 409) },
});

export const refund = createRoute({
  operationId: 'orders.refund',
  method: 'post',
  path: '/v1/orders/{id}/refund',
  tags,
  summary: 'Refund a paid or fulfilled order through its provider (admin)',
  description: 'Units of a paid, unshipped order return to stock; a fulfilled order restocks when goods come back.',
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { params: IdParams('order') },
  responses: { 200: jsonContent(Order, 'The refunded order'), ...problems(400, 401, 403, 404, 409, 503) },
});
