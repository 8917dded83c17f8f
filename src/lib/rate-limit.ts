/**
 * Throttling, counted exactly by the RateLimiter Durable Object.
 *
 * - Per address: `auth` (every /v1/auth/* call) and `write` (every other POST/PUT/PATCH/DELETE), limits
 *   from RATE_LIMIT_AUTH / RATE_LIMIT_WRITES ("<requests>/<seconds>" or "off"). Reads (GET, HEAD,
 *   OPTIONS) never reach the object, so anonymous catalog reads pay nothing.
 * - Per account: back-off after failed password logins (always on), see `assertLoginAllowed`.
 *
 * Headers follow draft-ietf-httpapi-ratelimit-headers: `RateLimit-Policy: "auth";q=600;w=60` and
 * `RateLimit: "auth";r=599;t=42`; a refusal is a 429 problem with `Retry-After`.
 */
import type { Context } from 'hono';
import type { AppEnv } from './context';
import { ApiError } from './errors';

/** Methods no policy counts. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Policy {
  name: 'auth' | 'write';
  limit: number;
  windowSeconds: number;
}

/** Parses "600/60"; "off" or an empty value disables the policy. */
export function parsePolicy(name: Policy['name'], value: string | undefined): Policy | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value ?? '');
  if (!match) return undefined;
  return { name, limit: Number(match[1]), windowSeconds: Math.max(1, Number(match[2])) };
}

/** The client's address as Cloudflare's edge reports it (the edge overwrites any client-sent value). */
export function clientAddress(headers: { header(name: string): string | undefined }): string {
  return headers.header('cf-connecting-ip') ?? 'unknown';
}

function limiter(env: Env, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}

/**
 * Counts this request against its address's policy. Returns the `RateLimit` headers for the response, or
 * nothing when the request is not limited (reads, a disabled policy); a refusal throws a 429.
 */
export async function checkRateLimit(c: Context<AppEnv>): Promise<Record<string, string> | undefined> {
  if (SAFE_METHODS.has(c.req.method)) return undefined;
  const policy = c.req.path.startsWith('/v1/auth/')
    ? parsePolicy('auth', c.env.RATE_LIMIT_AUTH)
    : parsePolicy('write', c.env.RATE_LIMIT_WRITES);
  if (!policy) return undefined;
  const result = await limiter(c.env, `addr:${clientAddress(c.req)}`).hit(
    policy.name,
    policy.limit,
    policy.windowSeconds,
  );
  const headers = {
    'RateLimit-Policy': `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`,
    RateLimit: `"${policy.name}";r=${result.remaining};t=${result.resetSeconds}`,
  };
  if (!result.allowed) {
    throw new ApiError('rate_limited', `Too many requests from this address; retry in ${result.resetSeconds} s`, {
      headers: { ...headers, 'Retry-After': String(result.resetSeconds) },
    });
  }
  return headers;
}

async function accountLimiter(env: Env, email: string) {
  // The object is named by a hash, so emails never appear in object names.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email.toLowerCase()));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return limiter(env, `login:${hex}`);
}

function lockedOut(seconds: number): ApiError {
  return new ApiError('rate_limited', `Too many failed sign-ins for this account; retry in ${seconds} s`, {
    headers: { 'Retry-After': String(seconds) },
  });
}

/**
 * Password logins for one account, whether it exists or not (so the answer reveals nothing):
 * `check` before verifying, then `failed` or `succeeded`.
 */
export async function loginThrottle(env: Env, email: string) {
  const stub = await accountLimiter(env, email);
  return {
    async check(): Promise<void> {
      const wait = await stub.loginCheck();
      if (wait > 0) throw lockedOut(wait);
    },
    /** Records the failure; returns the lock-out seconds it started (0 = none). */
    failed: () =>
      stub.loginFailed({
        freeAttempts: Number(env.LOGIN_FREE_ATTEMPTS) || 5,
        baseSeconds: Number(env.LOGIN_LOCKOUT_SECONDS) || 30,
        maxSeconds: 900,
      }),
    succeeded: () => stub.loginSucceeded(),
  };
}
