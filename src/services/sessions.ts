/**
 * Sessions (signed-in devices) and their rotating refresh tokens. A session is a refresh-token family:
 * each refresh spends the presented token and issues the next one; presenting a spent token again means
 * it was copied, so the whole family is revoked (OAuth 2.0 Security BCP, refresh token rotation).
 *
 * Except for a retry. Phones race themselves: two requests get a 401 on resume and both refresh with the
 * stored token (two interceptors, or the app and a background isolate), or a refresh's answer is lost on a
 * flaky network and the app sends the token again. Treating that as theft revoked the session and signed
 * the user out, including the winner's brand-new tokens. So, like Okta's grace period and Auth0's reuse
 * interval, a spent token presented again within REFRESH_REUSE_GRACE_MS, while no token issued for it has
 * been used yet, gets another pair in the same session. Reuse is still caught: after the window, after the
 * family moved on (a token issued for it was used), or when two tokens issued for one parent are both used
 * (a client keeps only one of them), the whole session is revoked.
 */
import { and, desc, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type AuthSessionRow, authSessions, refreshTokens, type UserRow, users } from '../db/schema';
import { isConfiguredAdmin, issueAccessToken } from '../lib/auth';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { base64url } from '../lib/jwt';
import { log } from '../lib/logger';
import type { Role } from '../schemas/users';
import { recordAudit } from './audit';

export interface ClientInfo {
  requestId?: string;
  device?: string;
  userAgent?: string;
}

export interface IssuedTokens {
  user: UserRow;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function refreshTtlMs(env: Env): number {
  return (Number(env.REFRESH_TOKEN_TTL_SECONDS) || 30 * 24 * 3600) * 1000;
}

function newRefreshToken(): string {
  return `rt_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/**
 * Admins are named only by ADMIN_EMAILS, checked at every sign-in and refresh: an email added to the
 * list becomes admin, one removed drops to shopper (its pre-admin role is not kept). Changes are audited.
 */
export async function syncRoleWithConfig(env: Env, db: Db, user: UserRow, requestId?: string): Promise<UserRow> {
  const configured = isConfiguredAdmin(env, user.email);
  const role: Role = configured ? 'admin' : user.role === 'admin' ? 'shopper' : user.role;
  if (role === user.role) return user;
  await db.update(users).set({ role, updatedAt: Date.now() }).where(eq(users.id, user.id));
  await recordAudit(db, {
    type: 'role.changed',
    userId: user.id,
    requestId,
    details: { from: user.role, to: role, reason: 'ADMIN_EMAILS' },
  });
  return { ...user, role };
}

async function storeRefreshToken(
  env: Env,
  db: Db,
  sessionId: string,
  userId: string,
  now: number,
  parentId: string | null = null,
) {
  const token = newRefreshToken();
  return {
    token,
    insert: db.insert(refreshTokens).values({
      id: newId('refreshToken', now),
      sessionId,
      userId,
      parentId,
      tokenHash: await sha256Hex(token),
      createdAt: now,
      expiresAt: now + refreshTtlMs(env),
    }),
  };
}

/** Starts a session for a user who just proved who they are; returns both tokens. */
export async function startSession(
  env: Env,
  db: Db,
  user: UserRow,
  method: AuthSessionRow['method'],
  client: ClientInfo,
): Promise<IssuedTokens> {
  const now = Date.now();
  const sessionId = newId('session', now);
  const refresh = await storeRefreshToken(env, db, sessionId, user.id, now);
  await db.batch([
    db.insert(authSessions).values({
      id: sessionId,
      userId: user.id,
      method,
      device: client.device?.slice(0, 16) ?? null,
      userAgent: client.userAgent?.slice(0, 200) ?? null,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: now + refreshTtlMs(env),
    }),
    refresh.insert,
  ]);
  const accessToken = await issueAccessToken(env, { userId: user.id, role: user.role, sessionId });
  return { user, accessToken, refreshToken: refresh.token, sessionId };
}

/** How long a spent refresh token may be presented again as a retry (see the module comment). */
export const REFRESH_REUSE_GRACE_MS = 60_000;

const invalidRefresh = () => new ApiError('unauthorized', 'The refresh token is invalid, expired or revoked');

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** A spent token presented again: a retry (grace window, family not moved on), or reuse. */
async function isRetry(db: Db, token: RefreshTokenRow, now: number): Promise<boolean> {
  if (token.usedAt === null || now - token.usedAt > REFRESH_REUSE_GRACE_MS) return false;
  const usedChild = await db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.parentId, token.id), isNotNull(refreshTokens.usedAt)))
    .get();
  return usedChild === undefined;
}

/** Whether another token issued for the same parent (a retry's pair) was used too: the family forked. */
async function siblingUsed(db: Db, token: RefreshTokenRow): Promise<boolean> {
  if (token.parentId === null) return false;
  const sibling = await db
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(
      and(eq(refreshTokens.parentId, token.parentId), ne(refreshTokens.id, token.id), isNotNull(refreshTokens.usedAt)),
    )
    .get();
  return sibling !== undefined;
}

async function revokeForReuse(db: Db, token: RefreshTokenRow, client: ClientInfo): Promise<never> {
  await revokeSessions(db, token.userId, { sessionId: token.sessionId, reason: 'token_reuse' });
  await recordAudit(db, {
    type: 'token.reuse_detected',
    userId: token.userId,
    requestId: client.requestId,
    details: { sessionId: token.sessionId },
  });
  throw invalidRefresh();
}

/**
 * Spends a refresh token and issues the next pair; a reused token revokes its whole session, a retry within
 * the grace window gets a pair of its own (see the module comment).
 */
export async function refreshSession(env: Env, db: Db, token: string, client: ClientInfo): Promise<IssuedTokens> {
  const now = Date.now();
  const tokenHash = await sha256Hex(token);
  const [spent] = await db
    .update(refreshTokens)
    .set({ usedAt: now })
    .where(and(eq(refreshTokens.tokenHash, tokenHash), isNull(refreshTokens.usedAt)))
    .returning();
  const presented =
    spent ?? (await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, tokenHash) }));
  if (!presented) throw invalidRefresh();
  if (spent ? await siblingUsed(db, spent) : !(await isRetry(db, presented, now))) {
    return revokeForReuse(db, presented, client);
  }
  const session = await db.query.authSessions.findFirst({ where: eq(authSessions.id, presented.sessionId) });
  if (!session || session.revokedAt !== null || session.expiresAt <= now || presented.expiresAt <= now) {
    throw invalidRefresh();
  }
  if (!spent) log('info', 'refresh_retried', { requestId: client.requestId, sessionId: session.id });
  const stored = await db.query.users.findFirst({ where: eq(users.id, presented.userId) });
  if (!stored) throw invalidRefresh();
  const user = await syncRoleWithConfig(env, db, stored, client.requestId);
  const refresh = await storeRefreshToken(env, db, session.id, user.id, now, presented.id);
  await db.batch([
    refresh.insert,
    db
      .update(authSessions)
      .set({ lastUsedAt: now, expiresAt: now + refreshTtlMs(env) })
      .where(eq(authSessions.id, session.id)),
  ]);
  const accessToken = await issueAccessToken(env, { userId: user.id, role: user.role, sessionId: session.id });
  return { user, accessToken, refreshToken: refresh.token, sessionId: session.id };
}

/** Logout: revokes the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
export async function revokeByRefreshToken(db: Db, token: string): Promise<string | undefined> {
  const row = await db.query.refreshTokens.findFirst({ where: eq(refreshTokens.tokenHash, await sha256Hex(token)) });
  if (!row) return undefined;
  await revokeSessions(db, row.userId, { sessionId: row.sessionId, reason: 'logout' });
  return row.userId;
}

/** Revokes one of the user's sessions, or all of them; returns how many were live. */
export async function revokeSessions(
  db: Db,
  userId: string,
  options: { sessionId?: string; reason: string },
): Promise<number> {
  const revoked = await db
    .update(authSessions)
    .set({ revokedAt: Date.now(), revokedReason: options.reason })
    .where(
      and(
        eq(authSessions.userId, userId),
        options.sessionId ? eq(authSessions.id, options.sessionId) : undefined,
        isNull(authSessions.revokedAt),
      ),
    )
    .returning({ id: authSessions.id });
  return revoked.length;
}

/** The user's live sessions, newest first. */
export async function listSessions(db: Db, userId: string): Promise<AuthSessionRow[]> {
  const rows = await db.query.authSessions.findMany({
    where: and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)),
    orderBy: desc(authSessions.createdAt),
    limit: 100,
  });
  return rows.filter((r) => r.expiresAt > Date.now());
}
