import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { toIso } from '../../schemas/common';
import { getHostedSession, liveStub, unwrap } from '../../services/live-sessions';
import type { end, flashSale, patchProduct, start } from './live-host.routes';

export const startHandler: RouteHandler<typeof start, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  await getHostedSession(createDb(c.env.DB), requireUser(c), id);
  return c.json(unwrap(await liveStub(c.env, id).start()), 200);
};

export const endHandler: RouteHandler<typeof end, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  await getHostedSession(createDb(c.env.DB), requireUser(c), id);
  const { seq, summary } = unwrap(await liveStub(c.env, id).end());
  return c.json({ seq, summary }, 200);
};

export const patchProductHandler: RouteHandler<typeof patchProduct, AppEnv> = async (c) => {
  const { id, productId } = c.req.valid('param');
  await getHostedSession(createDb(c.env.DB), requireUser(c), id);
  const { seq } = unwrap(await liveStub(c.env, id).updateProduct({ productId, ...c.req.valid('json') }));
  return c.json({ seq }, 200);
};

export const flashSaleHandler: RouteHandler<typeof flashSale, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  await getHostedSession(createDb(c.env.DB), requireUser(c), id);
  const endsAt = Date.parse(body.endsAt);
  const { seq } = unwrap(await liveStub(c.env, id).startFlashSale({ ...body, endsAt }));
  return c.json({ productId: body.productId, price: body.price, endsAt: toIso(endsAt), seq }, 201);
};
