/**
 * The auth context: short-lived HS256 access tokens (hono/jwt), a middleware that reads them, and
 * guards for roles and ownership that every route reuses.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { sign, verify } from 'hono/jwt';
import type { Role } from '../schemas/users';
import type { AppEnv, AuthContext } from './context';
import { ApiError } from './errors';

const ISSUER = 'showroom';

function jwtSecret(env: Env): string {
  const secret = env.JWT_SECRET;
  if (!secret || secret.length < 32) throw new ApiError('unavailable', 'JWT_SECRET is not configured');
  return secret;
}

/** Signs an access token for a user; lifetime from ACCESS_TOKEN_TTL_SECONDS. */
export async function issueAccessToken(env: Env, auth: AuthContext): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const ttl = Number(env.ACCESS_TOKEN_TTL_SECONDS) || 900;
  return sign({ sub: auth.userId, role: auth.role, iss: ISSUER, iat: now, exp: now + ttl }, jwtSecret(env), 'HS256');
}

/** Verifies a token's signature, algorithm, issuer and expiry; any failure is a 401. */
export async function verifyAccessToken(env: Env, token: string): Promise<AuthContext> {
  try {
    const payload = await verify(token, jwtSecret(env), { alg: 'HS256', iss: ISSUER });
    if (typeof payload.sub !== 'string' || typeof payload.role !== 'string') throw new Error('claims');
    return { userId: payload.sub, role: payload.role as Role };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('unauthorized', 'The access token is invalid or expired', {
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

/** Reads `Authorization: Bearer …` when present; a bad token is a 401 even on public routes. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header('Authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new ApiError('unauthorized', 'Authorization must be "Bearer <access token>"');
    c.set('auth', await verifyAccessToken(c.env, match[1]));
  }
  await next();
});

/** The signed-in user, or a 401. */
export function requireUser(c: Context<AppEnv>): AuthContext {
  const auth = c.get('auth');
  if (!auth) {
    throw new ApiError('unauthorized', 'Sign in to do this', { headers: { 'WWW-Authenticate': 'Bearer' } });
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
