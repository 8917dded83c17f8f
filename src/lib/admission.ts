/**
 * Who may come in, decided before any handler runs: the address's rate limit (see rate-limit.ts) and the
 * bearer token's session (see auth.ts). The two are independent (limits are per address, not per user),
 * so they run at the same time and a signed-in write waits for one round trip instead of two. A refused
 * address gets its 429 whatever the token; otherwise a bad token gets its 401.
 */
import { createMiddleware } from 'hono/factory';
import { readAuth } from './auth';
import type { AppEnv } from './context';
import { checkRateLimit, SAFE_METHODS } from './rate-limit';

export const admission = createMiddleware<AppEnv>(async (c, next) => {
  // Anonymous reads, most of the catalog's traffic, have nothing to check.
  if (SAFE_METHODS.has(c.req.method) && !c.req.header('Authorization')) return next();
  const [limit, auth] = await Promise.allSettled([checkRateLimit(c), readAuth(c)]);
  if (limit.status === 'rejected') throw limit.reason;
  if (auth.status === 'rejected') throw auth.reason;
  if (auth.value) c.set('auth', auth.value);
  await next();
  for (const [name, value] of Object.entries(limit.value ?? {})) c.res.headers.set(name, value);
});
