import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ApiError } from '../../lib/errors';
import { decodeCursor, encodeCursor, invalidCursor } from '../../lib/pagination';
import { toIso } from '../../schemas/common';
import {
  createLiveSession,
  getLiveSessionRow,
  listLiveSessions,
  liveSocketUpgrade,
  liveStub,
  toLiveSession,
  unwrap,
} from '../../services/live-sessions';
import type { create, getOne, list, replay, socket } from './live-sessions.routes';

export const createHandler: RouteHandler<typeof create, AppEnv> = async (c) => {
  const body = c.req.valid('json');
  const row = await createLiveSession(createDb(c.env.DB), requireUser(c), body);
  unwrap(await liveStub(c.env, row.id).init(row.id));
  return c.json(toLiveSession(row, body.productIds), 201);
};

export const listHandler: RouteHandler<typeof list, AppEnv> = async (c) => {
  c.header('Cache-Control', 'public, max-age=5');
  return c.json(await listLiveSessions(createDb(c.env.DB), c.req.valid('query')), 200);
};

export const getHandler: RouteHandler<typeof getOne, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  await getLiveSessionRow(createDb(c.env.DB), id);
  c.header('Cache-Control', 'no-cache');
  return c.json(unwrap(await liveStub(c.env, id).snapshot()), 200);
};

export const replayHandler: RouteHandler<typeof replay, AppEnv> = async (c) => {
  const { id } = c.req.valid('param');
  const { limit, cursor } = c.req.valid('query');
  await getLiveSessionRow(createDb(c.env.DB), id);
  const afterSeq = decodeCursor(cursor, 1, [id])?.[0] ?? 0;
  // A seq this timeline could have written: a whole number, at least 0 (within the RPC's bound).
  if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0) throw invalidCursor();
  const page = unwrap(await liveStub(c.env, id).replay({ afterSeq, limit }));
  const last = page.events.at(-1);
  c.header('Cache-Control', 'no-cache');
  return c.json(
    {
      sessionId: id,
      startedAt: page.startedAt === null ? null : toIso(page.startedAt),
      data: page.events,
      nextCursor: page.more && last ? encodeCursor([last.event.seq], [id]) : null,
    },
    200,
  );
};

/**
 * Upgrades are normally taken by `liveSocketUpgrade` in src/index.ts before the API middleware; this route
 * documents the endpoint and answers what falls through (a plain GET → 426).
 */
export const socketHandler: RouteHandler<typeof socket, AppEnv> = async (c) => {
  c.req.valid('param');
  const upgrade = liveSocketUpgrade(c.req.raw, c.env);
  if (!upgrade) throw new ApiError('upgrade_required', 'Connect with a WebSocket upgrade');
  const res = await upgrade;
  // The object's response has immutable headers; the middleware needs its own copy.
  if (res.webSocket) return new Response(null, { status: 101, webSocket: res.webSocket });
  return new Response(res.body, res);
};
