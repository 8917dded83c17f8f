/**
 * The auth context: short-lived access tokens (see jwt.ts), a middleware that reads them, and guards for
 * roles and ownership that every route reuses.
 *
 * Revocation: every access token names its session (`sid`). When a request carries a token, one D1
 * primary-key read confirms the session is live and returns the user's current role, so logout,
 * "sign out everywhere", token-reuse detection and erasure stop access tokens at once, and a role change
 * applies to the next request. Requests without a token (anonymous catalog reads) pay nothing.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Role } from '../schemas/users';
import type { AppEnv, AuthContext } from './context';
import { ApiError } from './errors';
import { signJwt, verifyJwt } from './jwt';

const ISSUER = 'showroom';

/** Signs an access token for a session; lifetime from ACCESS_TOKEN_TTL_SECONDS. */
export async function issueAccessToken(env: Env, auth: AuthContext): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const ttl = Number(env.ACCESS_TOKEN_TTL_SECONDS) || 900;
  return signJwt(env, {
    iss: ISSUER,
    sub: auth.userId,
    sid: auth.sessionId,
    role: auth.role,
    iat: now,
    exp: now + ttl,
  });
}

function invalidToken(): ApiError {
  return new ApiError('unauthorized', 'The access token is invalid, expired or revoked', {
    headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
  });
}

/** Verifies a token's signature, key id, algorithm, issuer and expiry; any failure is a 401. */
export async function verifyAccessToken(env: Env, token: string): Promise<{ userId: string; sessionId: string }> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifyJwt(env, token, Math.floor(Date.now() / 1000));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw invalidToken();
  }
  if (claims.iss !== ISSUER || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') throw invalidToken();
  return { userId: claims.sub, sessionId: claims.sid };
}

/**
 * The revocation check: the session must exist, belong to the token's user, be unrevoked and unexpired.
 * Returns the user's role as stored now, capped by configuration (an admin removed from ADMIN_EMAILS is
 * no longer an admin from the next request on).
 */
export async function loadLiveSession(env: Env, userId: string, sessionId: string): Promise<AuthContext> {
  const row = await env.DB.prepare(
    `SELECT u.role AS role, u.email AS email FROM auth_sessions s JOIN users u ON u.id = s.user_id
     WHERE s.id = ?1 AND s.user_id = ?2 AND s.revoked_at IS NULL AND s.expires_at > ?3`,
  )
    .bind(sessionId, userId, Date.now())
    .first<{ role: Role; email: string }>();
  if (!row) throw invalidToken();
  const role = row.role === 'admin' && !isConfiguredAdmin(env, row.email) ? 'shopper' : row.role;
  return { userId, role, sessionId };
}

/**
 * Reads `Authorization: Bearer …` when present: the signed-in user, or nothing for an anonymous request.
 * A bad or revoked token is a 401 even on public routes.
 */
export async function readAuth(c: Context<AppEnv>): Promise<AuthContext | undefined> {
  const header = c.req.header('Authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) {
    throw new ApiError('unauthorized', 'Authorization must be "Bearer <access token>"', {
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_request"' },
    });
  }
  const { userId, sessionId } = await verifyAccessToken(c.env, match[1]);
  return loadLiveSession(c.env, userId, sessionId);
}

/** The signed-in user, or a 401. */
export function requireUser(c: Context<AppEnv>): AuthContext {
  const auth = c.get('auth');
  if (!auth) {
    throw new ApiError('unauthorized', 'Sign in to do this');
  }
  return auth;
}

/** Route middleware: the user must be signed in and hold one of `roles` (admins always pass). */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const auth = requireUser(c);
    if (roles.length > 0 && auth.role !== 'admin' && !roles.includes(auth.role)) {
      throw new ApiError('forbidden', `This needs the ${roles.join(' or ')} role`);
    }
    await next();
  });
}

/** Route middleware: admins only (named by ADMIN_EMAILS). */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (requireUser(c).role !== 'admin') throw new ApiError('forbidden', 'This needs the admin role');
  await next();
});

/**
 * Ownership guard: someone else's object answers 404, so its existence is not confirmed.
 * Admins may act on any object.
 */
export function assertOwner(auth: AuthContext, ownerId: string | null | undefined, what = 'Resource'): void {
  if (auth.role !== 'admin' && auth.userId !== ownerId) throw new ApiError('not_found', `${what} not found`);
}

/** Whether `email` is named an admin by configuration (ADMIN_EMAILS). */
export function isConfiguredAdmin(env: Env, email: string): boolean {
  return (env.ADMIN_EMAILS ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .includes(email.toLowerCase());
}
