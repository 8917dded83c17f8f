/**
 * The account's own records: profile and preferences (with consents), sessions, passkeys, the security
 * events about the user. Secrets (password hash, refresh-token hashes, passkey public keys) are never
 * exported. Erasure anonymises the user row (other areas' records keep pointing at an id that no longer
 * names anyone) and deletes sessions, refresh tokens and passkeys.
 */
import { and, desc, eq, lt, ne, or } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { auditEvents, authSessions, passkeys, refreshTokens, users, webauthnChallenges } from '../../db/schema';
import { allPages, type PrivacyArea } from '../privacy';

/** An erased account's password hash: not a valid hash, so no password ever matches it; also how it is told apart. */
export const ERASED_PASSWORD_HASH = '!erased';

/** A condition on `users`: the account was not erased (an erased one keeps its row, anonymised, for what points at it). */
export const notErased = () => ne(users.passwordHash, ERASED_PASSWORD_HASH);

/** A condition on `users`: the account was erased (its row kept, anonymised). */
export const isErased = () => eq(users.passwordHash, ERASED_PASSWORD_HASH);

/** An erased account's email: unique and unreachable (.invalid is reserved), so the address can be registered again. */
const ERASED_EMAIL_PREFIX = 'erased-';
const erasedEmail = (userId: string) => `${ERASED_EMAIL_PREFIX}${userId}@erased.invalid`;

export const accountArea: PrivacyArea = {
  name: 'account',
  async export(env, userId) {
    const db = createDb(env.DB);
    const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
    const sessions = await db.query.authSessions.findMany({ where: eq(authSessions.userId, userId) });
    const keys = await db.query.passkeys.findMany({ where: eq(passkeys.userId, userId) });
    // Newest first, every one of them (years of sign-ins are more than one page).
    const events = await allPages((last: typeof auditEvents.$inferSelect | undefined, limit) =>
      db
        .select()
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.userId, userId),
            last
              ? or(lt(auditEvents.at, last.at), and(eq(auditEvents.at, last.at), lt(auditEvents.id, last.id)))
              : undefined,
          ),
        )
        .orderBy(desc(auditEvents.at), desc(auditEvents.id))
        .limit(limit),
    );
    return {
      profile: user && {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        preferences: user.preferences,
        createdAt: user.createdAt,
        updatedAt: user.updatedAt,
      },
      sessions: sessions.map(({ id, method, device, userAgent, createdAt, lastUsedAt, expiresAt, revokedAt }) => ({
        id,
        method,
        device,
        userAgent,
        createdAt,
        lastUsedAt,
        expiresAt,
        revokedAt,
      })),
      passkeys: keys.map(({ id, name, deviceType, backedUp, createdAt, lastUsedAt }) => ({
        id,
        name,
        deviceType,
        backedUp,
        createdAt,
        lastUsedAt,
      })),
      securityEvents: events.map(({ id, at, type, requestId, details }) => ({ id, at, type, requestId, details })),
    };
  },
  async erase(env, userId) {
    const db = createDb(env.DB);
    const now = Date.now();
    const [, sessions, keys, , user] = await db.batch([
      db.delete(refreshTokens).where(eq(refreshTokens.userId, userId)),
      db.delete(authSessions).where(eq(authSessions.userId, userId)).returning({ id: authSessions.id }),
      db.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id }),
      db.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId)),
      db
        .update(users)
        .set({
          email: erasedEmail(userId),
          displayName: 'Deleted user',
          passwordHash: ERASED_PASSWORD_HASH,
          role: 'shopper',
          preferences: {},
          updatedAt: now,
        })
        .where(eq(users.id, userId))
        .returning({ id: users.id }),
    ]);
    return { sessions: sessions.length, passkeys: keys.length, users: user.length };
  },
};
