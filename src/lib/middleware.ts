/**
 * Cross-cutting HTTP middleware that `app.ts` wires up in order. Each piece is small and says why it
 * exists; Hono's built-ins are used where they do the job.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context';
import { ApiError } from './errors';
import { log } from './logger';

/** One JSON log line per request, carrying the request id, status and duration. */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  log(c.res.status >= 500 ? 'error' : 'info', 'request', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    userId: c.get('auth')?.userId,
  });
});

/** Bodies on writes must be JSON; anything else is a 415 rather than a confusing validation error. */
export const requireJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (['POST', 'PUT', 'PATCH'].includes(c.req.method)) {
    const length = c.req.header('content-length');
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    const type = c.req.header('content-type') ?? '';
    if (hasBody && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
      throw new ApiError('unsupported_media_type', 'Send the request body as application/json');
    }
  }
  await next();
});

/** The platform compresses by the client's Accept-Encoding (see app.ts), so caches must key on it. */
export const varyOnEncoding = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.append('Vary', 'Accept-Encoding');
});

/**
 * The body limit from MAX_BODY_BYTES, built once per configured size (not per request) and only for
 * methods that carry a body, so reads pay nothing for it.
 */
export const limitBody = (() => {
  const bySize = new Map<number, MiddlewareHandler<AppEnv>>();
  return createMiddleware<AppEnv>((c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') return next();
    const maxSize = Number(c.env.MAX_BODY_BYTES) || 65_536;
    let limit = bySize.get(maxSize);
    if (!limit) {
      limit = bodyLimit({
        maxSize,
        onError: () => {
          throw new ApiError('payload_too_large', `Request bodies are limited to ${maxSize} bytes`);
        },
      });
      bySize.set(maxSize, limit);
    }
    return limit(c, next);
  });
})();

/** Headers a 304 keeps (RFC 9110 §15.4.5), plus the request id every response carries. */
const KEPT_ON_304 = new Set(['cache-control', 'content-location', 'date', 'etag', 'expires', 'vary', 'x-request-id']);

/**
 * Strong ETags and 304s on GETs. A route that precomputes its tag (the product card) is used as is;
 * otherwise the body is hashed (SHA-1, as Hono's etag does) — except for `no-store` responses, which no
 * one may cache, so hashing them on every call (health probes, private reads) would be wasted work.
 * Hono's etag middleware has no way to skip those, hence this small version of it.
 */
export const conditionalGet = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.res.ok) return;
  let tag = c.res.headers.get('etag');
  if (!tag) {
    if (!c.res.body || /\bno-store\b/.test(c.res.headers.get('cache-control') ?? '')) return;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', await c.res.clone().arrayBuffer()));
    tag = `"${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}"`;
    c.res.headers.set('ETag', tag);
  }
  const ifNoneMatch = c.req.header('if-none-match');
  const strong = tag.replace(/^W\//, '');
  if (ifNoneMatch && (ifNoneMatch.trim() === '*' || ifNoneMatch.match(/"[^"]*"/g)?.includes(strong))) {
    await c.res.body?.cancel();
    // Hono copies the previous response's headers onto a replacement; keep only what a 304 may carry.
    c.res = new Response(null, { status: 304 });
    for (const name of [...c.res.headers.keys()]) if (!KEPT_ON_304.has(name)) c.res.headers.delete(name);
  }
});
