/**
 * `Idempotency-Key` on writes, with the semantics of Stripe and the IETF Idempotency-Key draft:
 * - every write honours a key: POST, and PUT, PATCH and DELETE too. Those are meant to be repeatable, but an
 *   offline outbox replays them after a lost response, maybe hours later: a replayed DELETE would answer 404
 *   for what its first run removed, a PATCH that added a variant 400, and a late PUT of the cart would
 *   overwrite what another device saved since. With a key each gets the answer it missed and changes nothing;
 * - the key is scoped to the caller (their user id, or "anon" when signed out);
 * - the key is claimed with one INSERT that fails on conflict BEFORE the handler runs, so two
 *   concurrent requests with one key never both execute: the loser gets `409 idempotency_in_progress`;
 * - the first response is stored with a fingerprint (SHA-256 of method, path, query and body); a replay
 *   returns it (status, body and the headers in REPLAYED_HEADERS) with `Idempotent-Replayed: true`; the same
 *   key with another request (another body, path or method) is `422`;
 * - keys are kept for IDEMPOTENCY_KEY_TTL_SECONDS (default and minimum 7 days: longer than a phone's
 *   offline outbox holds a write); the cron handler deletes expired rows.
 * Responses where the request never really executed (400/401/403/412/413/415/429, 5xx, and whatever no route
 * answered: a 404 for an unknown path, a 405) are not stored: the claim is dropped so a corrected retry with
 * the same key can run; nor are a handler's `idempotency_key_reused` and `concurrent_update` (NOT_STORED_CODES). Writes without a key cost nothing here.
 * This row alone cannot promise exactly once: it is lost when the isolate dies, or a 5xx follows, after the
 * handler committed. A handler whose write must not repeat (placing an order) records the claim (the
 * `idempotency` context variable) in its own batch and answers a retry from that (src/services/order-recovery.ts).
 * Credential-issuing routes (/v1/auth/*) ignore the key: see `neverStored`.
 */
import { and, eq, sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import type { AppEnv } from './context';
import { ApiError, type ErrorCode } from './errors';

/** Methods that honour a key. */
export const KEYED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** POST paths where a key is mandatory because they create money-relevant state. */
const keyRequired = [/^\/v1\/orders$/, /^\/v1\/orders\/[^/]+\/payment$/];
/**
 * Paths whose key is ignored: they run every time and nothing is stored. Their answers carry tokens (and
 * the user's email and name), which must not sit in plain text in `idempotency_keys`, and a replayed refresh
 * would hand out the same pair again instead of reaching reuse detection (a spent refresh token presented
 * again outside its short retry window revokes the session). Ignoring rather than rejecting the header keeps
 * a client that puts a key on every write working.
 */
const neverStored = [/^\/v1\/auth\//];

/** Whether a write to this path (or path template) honours an Idempotency-Key. */
export function takesIdempotencyKey(path: string): boolean {
  return !neverStored.some((re) => re.test(path));
}
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MIN_TTL_SECONDS = 7 * 24 * 3600;
/** A claim older than this whose request never finished (the isolate died) may be taken over. */
const STALE_CLAIM_MS = 60_000;
// 405: no route ran (and a replay would drop the Allow header a 405 must carry). 412: a stale If-Match stopped
// the write before it ran; the same intent sent again with a fresh tag (and its key) must be able to run.
const NOT_STORED = new Set([400, 401, 403, 412, 413, 415, 429]);
/**
 * Answers of a handler that are not the key's either. `idempotency_key_reused`: the key belongs to the request
 * that first used it, which must still get its answer. `concurrent_update`: "changed under you, try again"
 * is about the moment, not the request; kept, it would answer every retry with the same key.
 */
const NOT_STORED_CODES = new Set<ErrorCode>(['idempotency_key_reused', 'concurrent_update']);
/** Statuses whose response has no body (a Response with one, even empty, cannot be built). */
const NO_BODY = new Set([204, 205, 304]);
/**
 * The stored headers a replay sends back: what describes the representation and how it may be cached (a
 * replayed private answer must stay uncacheable). An allow-list keeps rows small and keeps Set-Cookie and
 * anything else carrying a secret out of D1; per-request headers (X-Request-Id, rate limits, Vary: Accept-
 * Encoding) are added again by the outer middleware on the replay itself.
 */
const REPLAYED_HEADERS = [
  'content-type',
  'content-location',
  'location',
  'cache-control',
  'etag',
  'last-modified',
  'expires',
];

export function idempotencyTtlMs(env: Env): number {
  const configured = Number(env.IDEMPOTENCY_KEY_TTL_SECONDS);
  return Math.max(Number.isFinite(configured) ? configured : 0, MIN_TTL_SECONDS) * 1000;
}

async function fingerprint(method: string, url: URL, body: string): Promise<string> {
  const data = new TextEncoder().encode(`${method} ${url.pathname}${url.search}\n${body}`);
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export const idempotency = createMiddleware<AppEnv>(async (c, next) => {
  const method = c.req.method;
  if (!KEYED_METHODS.has(method)) return next();
  const key = c.req.header('Idempotency-Key');
  if (!takesIdempotencyKey(c.req.path)) return next();
  if (key === undefined) {
    // Signed-out callers of a key-requiring route get the route's own 401 first.
    if (method === 'POST' && c.get('auth') && keyRequired.some((re) => re.test(c.req.path))) {
      throw new ApiError('idempotency_key_required', `POST ${c.req.path} needs an Idempotency-Key header`);
    }
    return next();
  }
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError('bad_request', 'Idempotency-Key must be 1–255 printable ASCII characters', {
      errors: [{ path: 'header.Idempotency-Key', message: 'invalid key' }],
    });
  }

  const db = createDb(c.env.DB);
  const scope = c.get('auth')?.userId ?? 'anon';
  const print = await fingerprint(method, new URL(c.req.url), await c.req.text());
  const now = Date.now();
  // One statement claims a fresh key, an expired one, or our own stale claim; anything else is a conflict.
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values({
      scope,
      key,
      fingerprint: print,
      state: 'in_progress',
      lockedAt: now,
      createdAt: now,
      expiresAt: now + idempotencyTtlMs(c.env),
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.scope, idempotencyKeys.key],
      set: {
        fingerprint: print,
        state: 'in_progress',
        responseStatus: null,
        responseHeaders: null,
        responseBody: null,
        lockedAt: now,
        createdAt: now,
        expiresAt: now + idempotencyTtlMs(c.env),
      },
      setWhere: sql`${idempotencyKeys.expiresAt} < ${now} or (${idempotencyKeys.state} = 'in_progress' and ${idempotencyKeys.lockedAt} < ${now - STALE_CLAIM_MS} and ${idempotencyKeys.fingerprint} = ${print})`,
    })
    .returning({ key: idempotencyKeys.key });

  const where = and(eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key));
  if (!claimed) {
    const existing = await db.select().from(idempotencyKeys).where(where).get();
    if (!existing)
      throw new ApiError('idempotency_in_progress', 'Retry this request', { headers: { 'Retry-After': '1' } });
    if (existing.fingerprint !== print) {
      throw new ApiError('idempotency_key_reused', 'This Idempotency-Key was used for a different request');
    }
    if (existing.state === 'in_progress') {
      throw new ApiError('idempotency_in_progress', 'The first request with this key is still running', {
        headers: { 'Retry-After': '1' },
      });
    }
    const headers = new Headers(existing.responseHeaders ?? {});
    headers.set('Idempotent-Replayed', 'true');
    const status = existing.responseStatus ?? 200;
    return new Response(NO_BODY.has(status) ? null : existing.responseBody, { status, headers });
  }

  c.set('idempotency', { key, fingerprint: print });
  try {
    await next();
  } catch (error) {
    await db.delete(idempotencyKeys).where(where);
    throw error;
  }
  const res = c.res;
  const retryable = c.error instanceof ApiError && NOT_STORED_CODES.has(c.error.code);
  if (res.status >= 500 || NOT_STORED.has(res.status) || c.get('unrouted') || retryable) {
    await db.delete(idempotencyKeys).where(where);
    return;
  }
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  await db
    .update(idempotencyKeys)
    .set({
      state: 'completed',
      responseStatus: res.status,
      responseHeaders: headers,
      responseBody: await res.clone().text(),
    })
    .where(where);
});

/** Deletes keys past their retention; run by the cron (src/services/maintenance.ts, with the orders' copies). */
export async function purgeExpiredIdempotencyKeys(env: Env, now = Date.now()): Promise<number> {
  const rows = await createDb(env.DB)
    .delete(idempotencyKeys)
    .where(sql`${idempotencyKeys.expiresAt} < ${now}`)
    .returning({ key: idempotencyKeys.key });
  return rows.length;
}
