/**
 * Input and response hardening that every route gets from app.ts:
 * - JSON bodies deeper than MAX_JSON_DEPTH, or with `__proto__` / `constructor` / `prototype` keys,
 *   are refused (400) before any handler or validator sees them (prototype pollution, parser DoS).
 * - API responses forbid framing and every content source (the /docs page keeps its own needs).
 * - CORS origins come from CORS_ORIGINS, exactly matched after trimming.
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './context';
import { ApiError } from './errors';

export const MAX_JSON_DEPTH = 20;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const BRACKETS = new Set(['{', '[']);

/** Deepest nesting of objects/arrays in JSON text, ignoring brackets inside strings. O(n), no parse. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (BRACKETS.has(ch)) max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}

function refuse(detail: string): never {
  throw new ApiError('bad_request', detail, { errors: [{ path: 'body', message: detail }] });
}

export const jsonGuard = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !/json/i.test(c.req.header('content-type') ?? '')) {
    return next();
  }
  // Hono caches the body, so the validator later reads the same text without a second stream read.
  const text = await c.req.text();
  if (text.length === 0) return next();
  if (jsonDepth(text) > MAX_JSON_DEPTH) refuse(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new ApiError('bad_request', `The key "${key}" is not allowed`);
      return value;
    });
  } catch (error) {
    if (error instanceof ApiError) refuse(error.detail);
    refuse('The body is not valid JSON');
  }
  await next();
});

/** Options for Hono's `secureHeaders`: app.ts and the session object's own answers (upgrade-headers.ts). */
export const SECURE_HEADERS = { crossOriginResourcePolicy: 'cross-origin' } as const;

/** An API answer is data, never a page: nothing may be loaded or framed from it. */
export const API_CONTENT_SECURITY = "default-src 'none'; frame-ancestors 'none'";

export const apiContentSecurity = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (!c.req.path.startsWith('/docs')) c.res.headers.set('Content-Security-Policy', API_CONTENT_SECURITY);
});

/** The CORS origin callback: echo the origin only when CORS_ORIGINS lists it. */
export function allowedOrigin(origin: string, env: Env): string | null {
  if (!origin) return null;
  const allowed = (env.CORS_ORIGINS ?? '').split(',').map((o) => o.trim());
  return allowed.includes(origin) ? origin : null;
}
