import { createRoute } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireRole, requireUser } from '../../lib/auth';
import { bearerSecurity, createRouter, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { Cart, CartPut } from '../../schemas/orders';
import { cartView, readCartLines, replaceCart } from '../../services/cart';

const tags = ['Cart'];

export const getCart = createRoute({
  operationId: 'cart.get',
  method: 'get',
  path: '/v1/cart',
  tags,
  summary: 'My cart with current prices, availability and warnings',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(Cart, 'The cart'), ...notModified, ...problems(401) },
});

export const putCart = createRoute({
  operationId: 'cart.replace',
  method: 'put',
  path: '/v1/cart',
  tags,
  summary: 'Replace my cart (it follows me across devices); check out with POST /v1/orders {fromCart: true}',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(CartPut) },
  responses: { 200: jsonContent(Cart, 'The cart as stored, priced now'), ...problems(400, 401, 413) },
});

export const cartRouter = createRouter()
  .openapi(getCart, async (c) => {
    const db = createDb(c.env.DB);
    c.header('Cache-Control', 'private, no-cache');
    return c.json(await cartView(db, await readCartLines(db, requireUser(c).userId)), 200);
  })
  .openapi(putCart, async (c) => {
    const db = createDb(c.env.DB);
    const cart = await replaceCart(db, requireUser(c).userId, c.req.valid('json').items);
    c.header('Cache-Control', 'private, no-store');
    return c.json(await cartView(db, cart), 200);
  });
