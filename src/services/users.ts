/** Accounts: registration, credential checks and profile updates. No Hono types here. */

import type { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type UserRow, users } from '../db/schema';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../lib/password';
import { toIso } from '../schemas/common';
import type { MePatch, RegisterBody, Role, User } from '../schemas/users';
import { type EventContext, emitDomainEvent } from './domain-events';

export function toUser(row: UserRow): z.infer<typeof User> {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    preferences: row.preferences,
    createdAt: toIso(row.createdAt),
  };
}

export async function registerUser(db: Db, input: z.infer<typeof RegisterBody>, isAdmin: boolean): Promise<UserRow> {
  const now = Date.now();
  const row: UserRow = {
    id: newId('user', now),
    email: input.email,
    passwordHash: await hashPassword(input.password),
    displayName: input.displayName,
    role: (isAdmin ? 'admin' : input.role) as Role,
    preferences: {},
    createdAt: now,
    updatedAt: now,
  };
  // The unique index is the source of truth for "email taken", also under concurrent registrations.
  const inserted = await db.insert(users).values(row).onConflictDoNothing().returning({ id: users.id });
  if (inserted.length === 0) throw new ApiError('already_exists', 'An account with this email already exists');
  return row;
}

/** Checks credentials; a wrong password and an unknown email cost the same and say the same. */
export async function authenticateUser(db: Db, email: string, password: string): Promise<UserRow> {
  const row = await db.query.users.findFirst({ where: eq(users.email, email) });
  const ok = await verifyPassword(password, row?.passwordHash ?? (await DUMMY_HASH_PROMISE()));
  if (!row || !ok) throw new ApiError('unauthorized', 'Email or password is incorrect');
  return row;
}

export async function getUser(db: Db, id: string): Promise<UserRow> {
  const row = await db.query.users.findFirst({ where: eq(users.id, id) });
  if (!row) throw new ApiError('unauthorized', 'This account no longer exists');
  return row;
}

/** Updates the profile; a changed display name is announced (`user.renamed`) so cached cards show it. */
export async function updateUser(
  db: Db,
  id: string,
  patch: z.infer<typeof MePatch>,
  events: EventContext,
): Promise<UserRow> {
  const current = await getUser(db, id);
  const preferences = patch.preferences
    ? {
        ...current.preferences,
        ...patch.preferences,
        consents: { ...(current.preferences.consents as object), ...patch.preferences.consents },
      }
    : current.preferences;
  const [row] = await db
    .update(users)
    .set({ displayName: patch.displayName ?? current.displayName, preferences, updatedAt: Date.now() })
    .where(eq(users.id, id))
    .returning();
  if (row.displayName !== current.displayName) await emitDomainEvent({ type: 'user.renamed', userId: id }, events);
  return row;
}
