import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createDb } from '../../db/client';
import { requireRole, requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ifMatchVersions, versionedEtag } from '../../lib/http-cache';
import {
  bearerSecurity,
  createRouter,
  ifMatchHeader,
  jsonBody,
  jsonContent,
  notModified,
  problems,
} from '../../lib/openapi';
import { Cart, CartPut } from '../../schemas/orders';
import { type CartPrecondition, type CartView, cartView, readCartLines, replaceCart } from '../../services/cart';

const tags = ['Cart'];

const etagHeader = {
  ETag: {
    description: 'Strong validator of this cart: If-None-Match on GET (304), If-Match on PUT (412 when stale)',
    schema: { type: 'string' as const },
  },
};

const Preconditions = z
  .object({
    'if-match': ifMatchHeader(
      'The ETag of the cart this change was made on: another device saved since → 412, GET the cart again and merge. `*`: only over a stored cart. Without it (and without If-None-Match) the PUT always replaces the cart.',
      '"mb2k9x4a.8c1IhFq0vJ3tUeY7Zp2WkA"',
    ),
    'if-none-match': z
      .literal('*', {
        error:
          'PUT /v1/cart takes only If-None-Match: * (save only if no cart is stored); to write over a version, send its ETag as If-Match',
      })
      .optional()
      .openapi({
        param: { name: 'if-none-match', in: 'header', required: false },
        description:
          '`*`: save only if no cart is stored yet (a first device creating it); one is → 412, GET it and merge. Only `*` is accepted.',
        example: '*',
      }),
  })
  .refine((h) => h['if-match'] === undefined || h['if-none-match'] === undefined, {
    path: ['if-none-match'],
    error: 'Send If-Match (write over a version) or If-None-Match: * (write only a first cart), not both',
  });

/** The PUT's precondition from its validated headers (see CartPrecondition). */
function preconditionOf(headers: z.infer<typeof Preconditions>): CartPrecondition | undefined {
  if (headers['if-none-match'] === '*') return 'absent';
  const ifMatch = headers['if-match'];
  return ifMatch === undefined ? undefined : ifMatchVersions(ifMatch);
}

export const getCart = createRoute({
  operationId: 'cart.get',
  method: 'get',
  path: '/v1/cart',
  tags,
  summary: 'My cart with current prices, availability and warnings',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: {
    200: { ...jsonContent(Cart, 'The cart'), headers: etagHeader },
    ...notModified,
    ...problems(401),
  },
});

export const putCart = createRoute({
  operationId: 'cart.replace',
  method: 'put',
  path: '/v1/cart',
  tags,
  summary: 'Replace my cart (it follows me across devices); check out with POST /v1/orders {fromCart: true}',
  description:
    'Send the ETag of the cart the change was made on as If-Match so a device never overwrites what another saved since (412 precondition_failed: GET the cart again, merge, PUT with the new ETag). If-None-Match: * saves only a first cart (412 when one is stored).',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { headers: Preconditions, body: jsonBody(CartPut) },
  responses: {
    200: { ...jsonContent(Cart, 'The cart as stored, priced now'), headers: etagHeader },
    ...problems(400, 401, 412, 413),
  },
});

/**
 * Tags the answer with the cart's ETag, naming the stored version (`updatedAt`; 0 when none is stored) and
 * the JSON that `c.json` sends (the same `JSON.stringify`).
 */
async function tagCart(c: Context<AppEnv>, view: CartView, version: number | null): Promise<CartView> {
  c.header('ETag', await versionedEtag(version ?? 0, JSON.stringify(view)));
  return view;
}

export const cartRouter = createRouter()
  .openapi(getCart, async (c) => {
    const db = createDb(c.env.DB);
    const cart = await readCartLines(db, requireUser(c).userId);
    c.header('Cache-Control', 'private, no-cache');
    return c.json(await tagCart(c, await cartView(db, cart), cart.updatedAt), 200);
  })
  .openapi(putCart, async (c) => {
    const db = createDb(c.env.DB);
    const precondition = preconditionOf(c.req.valid('header'));
    const cart = await replaceCart(db, requireUser(c).userId, c.req.valid('json').items, precondition);
    c.header('Cache-Control', 'private, no-store');
    // The body is the cart's current representation (priced now, not the lines as sent), which the ETag names.
    c.header('Content-Location', '/v1/cart');
    return c.json(await tagCart(c, await cartView(db, cart), cart.updatedAt), 200);
  });
