import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';

/**
 * A signed-in device: one refresh-token family. Access tokens carry its id (`sid`), so revoking the row
 * (logout, "sign out everywhere", token reuse, erasure) stops them at once.
 */
export const authSessions = sqliteTable(
  'auth_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** How the session started: `password` or `passkey`. */
    method: text('method', { enum: ['password', 'passkey'] }).notNull(),
    /** `X-Device` (ios/android/web) and a truncated User-Agent, so users can tell their devices apart. */
    device: text('device'),
    userAgent: text('user_agent'),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId, t.createdAt)],
);

/**
 * Refresh tokens, stored only as SHA-256 hashes. Each is spent by one refresh (`usedAt`) and names the token
 * it was issued for (`parentId`; null for the first of a session). Presenting a spent one again is reuse,
 * and revokes its whole session (family), unless it is a retry within the grace window (services/sessions.ts).
 */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => authSessions.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    parentId: text('parent_id'),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_unique').on(t.tokenHash),
    index('refresh_tokens_session_idx').on(t.sessionId),
    index('refresh_tokens_parent_idx').on(t.parentId),
  ],
);

/** WebAuthn credentials (passkeys). `id` is the credential id, base64url. */
export const passkeys = sqliteTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** COSE public key, base64url. */
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull(),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    deviceType: text('device_type').notNull(),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull(),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull(),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/** Outstanding WebAuthn challenges: single use (deleted when presented) and short-lived. */
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    challenge: text('challenge').primaryKey(),
    kind: text('kind', { enum: ['register', 'login'] }).notNull(),
    /** Set for registration: the signed-in user adding a passkey. */
    userId: text('user_id'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expiry_idx').on(t.expiresAt)],
);

/** Security events (logins, failures, role changes, token reuse, erasures). Never holds secrets. */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    at: integer('at').notNull(),
    type: text('type').notNull(),
    /** The account the event is about, when known. */
    userId: text('user_id'),
    /** Who caused it, when not the user themselves (e.g. an admin). */
    actorId: text('actor_id'),
    requestId: text('request_id'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('audit_events_at_idx').on(t.at, t.id), index('audit_events_user_idx').on(t.userId, t.at)],
);

export type AuthSessionRow = typeof authSessions.$inferSelect;
export type PasskeyRow = typeof passkeys.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
