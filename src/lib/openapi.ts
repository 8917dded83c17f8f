/**
 * Route-building helpers: a router whose validation failures become problem+json, and response
 * shorthands so every route documents its errors the same way.
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { ProblemSchema } from '../schemas/common';
import type { AppEnv } from './context';
import { ApiError, type FieldError } from './errors';

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
  409: 'Conflict with the current state',
  413: 'Request body too large',
  410: 'No longer available (expired or ended)',
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
