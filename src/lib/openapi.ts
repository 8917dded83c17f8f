/**
 * Route-building helpers: a router whose validation failures become problem+json, and response
 * shorthands so every route documents its errors the same way.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ProblemSchema } from '../schemas/common';
import { TOKEN_NOT_READ } from './admission';
import type { AppEnv } from './context';
import { ApiError, type FieldError } from './errors';
import { takesIdempotencyKey } from './idempotency';

function fieldErrors(issues: z.core.$ZodIssue[], target: string): FieldError[] {
  return issues.map((issue) => ({
    path: [target === 'json' ? 'body' : target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** A router for one resource; mount it in `app.ts`. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        const errors = fieldErrors(result.error.issues, result.target);
        throw new ApiError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), {
          errors,
        });
      }
      void c;
    },
  });
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function jsonBody<T extends z.ZodType>(schema: T, description = 'Request body') {
  return { content: { 'application/json': { schema } }, description, required: true };
}

const problemDescriptions: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors`)',
  401: 'Missing, invalid or expired access token',
  403: 'Signed in without the needed role',
  404: 'Not found, or not yours',
  409: 'Conflict with the current state; `code` says which kind (see Problem.code)',
  413: 'Request body too large',
  415: 'The request body is not JSON',
  410: 'No longer available (expired or ended)',
  412: 'If-Match names a version that is no longer current (read it again, merge your change, retry with the new ETag), or If-None-Match: * found one stored',
  422: 'Idempotency-Key reused with a different request, or a request that cannot be carried out',
  426: 'A WebSocket upgrade is required',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency or configuration is unavailable',
};

/** Documented problem+json responses for the given statuses. */
export function problems(...statuses: (keyof typeof problemDescriptions)[]) {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      { content: { 'application/problem+json': { schema: ProblemSchema } }, description: problemDescriptions[s] },
    ]),
  );
}

export const bearerSecurity = [{ bearerAuth: [] }];

/**
 * The optional If-Match request header of a write to a versioned record (src/lib/http-cache.ts
 * `ifMatchVersions`): what it protects is the route's to say.
 */
export function ifMatchHeader(description: string, example: string) {
  return z
    .string()
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header', required: false }, description, example });
}

/** The 304 of a GET whose answer carries an ETag: every one that is not `no-store` (conditionalGet). */
export const notModified = { 304: { description: 'Not modified (If-None-Match matched the ETag)' } };

/**
 * Adds to every operation the answers app.ts's middleware gives before its handler runs, where the route
 * does not declare them itself, so the document names every status the Worker sends:
 * - a request whose token is read (every path but TOKEN_NOT_READ): 401 for a bad, expired or revoked token,
 *   503 when JWT_SECRET is not configured (admission.ts);
 * - writes: 400 for a body that is not valid JSON, too deep or with `__proto__` keys (hardening.ts), 413 over
 *   MAX_BODY_BYTES, 429 over the address's write or auth limit (rate-limit.ts); POST, PUT and PATCH also 415
 *   for a body that is not JSON (middleware.ts);
 * - a write that honours Idempotency-Key (POST, PUT, PATCH, DELETE outside /v1/auth/*): 400 (a malformed
 *   key), 409 (its first request still running), 422 (the key reused for another request) (idempotency.ts).
 */
export function declareMiddlewareAnswers(definitions: OpenAPIHono<AppEnv>['openAPIRegistry']['definitions']) {
  for (const def of definitions) {
    if (def.type !== 'route') continue;
    const { method, path } = def.route;
    const statuses: number[] = [];
    if (!TOKEN_NOT_READ.has(path)) statuses.push(401, 503);
    if (method !== 'get') statuses.push(400, 413, 429);
    if (method === 'post' || method === 'put' || method === 'patch') statuses.push(415);
    if (method !== 'get' && takesIdempotencyKey(path)) statuses.push(400, 409, 422);
    // Mounting copied the route object; its `responses` is still the router's, so replace it, never edit it.
    def.route.responses = { ...problems(...new Set(statuses)), ...def.route.responses };
  }
}
