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

/**
 * Requests that never act as the bearer's user, so the token is not read: credentials travel in the body
 * (sign-in, refresh, logout, passkey sign-in) or there is no user at all (health probes, the payment
 * provider's webhook). Clients' interceptors put the last access token on every request, and by the time a
 * user signs out it has often expired: a 401 here would make logout fail and leave the device's refresh
 * token alive.
 */
export const TOKEN_NOT_READ = new Set([
  '/v1/auth/register',
  '/v1/auth/login',
  '/v1/auth/refresh',
  '/v1/auth/logout',
  '/v1/auth/passkeys/login/options',
  '/v1/auth/passkeys/login/verify',
  '/health',
  '/health/live',
  '/v1/webhooks/payments',
]);

export const admission = createMiddleware<AppEnv>(async (c, next) => {
  const readsToken = c.req.header('Authorization') !== undefined && !TOKEN_NOT_READ.has(c.req.path);
  // Anonymous reads, most of the catalog's traffic, have nothing to check.
  if (SAFE_METHODS.has(c.req.method) && !readsToken) return next();
  const [limit, auth] = await Promise.allSettled([checkRateLimit(c), readsToken ? readAuth(c) : undefined]);
  if (limit.status === 'rejected') throw limit.reason;
  if (auth.status === 'rejected') throw auth.reason;
  if (auth.value) c.set('auth', auth.value);
  await next();
  for (const [name, value] of Object.entries(limit.value ?? {})) c.res.headers.set(name, value);
});
