/**
 * Host actions. The session's object checks that the signed-in user is its host (or an admin), so a host
 * update costs one call to the object and no extra D1 read here.
 */
import type { RouteHandler } from '@hono/zod-openapi';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { toIso } from '../../schemas/common';
import { liveStub, unwrap } from '../../services/live-sessions';
import type { end, flashSale, patchProduct, start } from './live-host.routes';

export const startHandler: RouteHandler<typeof start, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { userId, role } = requireUser(c);
  return c.json(unwrap(await liveStub(c.env, id).start({ userId, role })), 200);
};

export const endHandler: RouteHandler<typeof end, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { userId, role } = requireUser(c);
  const { seq, summary } = unwrap(await liveStub(c.env, id).end({ userId, role }));
  return c.json({ seq, summary }, 200);
};

export const patchProductHandler: RouteHandler<typeof patchProduct, AppEnv> = async (c) => {
  const { id, productId } = c.req.valid('param');
  const { userId, role } = requireUser(c);
  const actor = { userId, role };
  const { seq } = unwrap(await liveStub(c.env, id).updateProduct({ actor, productId, ...c.req.valid('json') }));
  return c.json({ seq }, 200);
};

export const flashSaleHandler: RouteHandler<typeof flashSale, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const { userId, role } = requireUser(c);
  const endsAt = Date.parse(body.endsAt);
  const { seq } = unwrap(await liveStub(c.env, id).startFlashSale({ actor: { userId, role }, ...body, endsAt }));
  return c.json({ productId: body.productId, price: body.price, endsAt: toIso(endsAt), seq }, 201);
};
