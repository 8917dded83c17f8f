/**
 * Cross-cutting HTTP middleware that `app.ts` wires up in order. Each piece is small and says why it
 * exists; Hono's built-ins are used where they do the job.
 */
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
