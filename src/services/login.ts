/** Password sign-in and registration: credentials, per-account back-off, role sync, audit, tokens. */
import type { z } from '@hono/zod-openapi';
import type { Db } from '../db/client';
import { isConfiguredAdmin } from '../lib/auth';
import { ApiError } from '../lib/errors';
import { maskEmail } from '../lib/logger';
import { loginThrottle } from '../lib/rate-limit';
import type { RegisterBody } from '../schemas/users';
import { recordAudit } from './audit';
import { type ClientInfo, type IssuedTokens, startSession, syncRoleWithConfig } from './sessions';
import { authenticateUser, registerUser } from './users';

export async function register(
  env: Env,
  db: Db,
  input: z.infer<typeof RegisterBody>,
  client: ClientInfo,
): Promise<IssuedTokens> {
  const user = await registerUser(db, input, isConfiguredAdmin(env, input.email));
  await recordAudit(db, {
    type: 'account.registered',
    userId: user.id,
    requestId: client.requestId,
    details: { role: user.role },
  });
  return startSession(env, db, user, 'password', client);
}

/**
 * Checks the password behind the account's back-off: a locked account answers 429 before the password is
 * even looked at, and unknown emails are throttled the same way, so the answers reveal nothing.
 */
export async function passwordLogin(
  env: Env,
  db: Db,
  email: string,
  password: string,
  client: ClientInfo,
): Promise<IssuedTokens> {
  const throttle = await loginThrottle(env, email);
  await throttle.check();
  let stored: Awaited<ReturnType<typeof authenticateUser>>;
  try {
    stored = await authenticateUser(db, email, password);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'unauthorized') throw error;
    const lockSeconds = await throttle.failed();
    await recordAudit(db, {
      type: lockSeconds > 0 ? 'login.locked' : 'login.failed',
      requestId: client.requestId,
      details: { email: maskEmail(email), method: 'password', ...(lockSeconds > 0 ? { lockSeconds } : {}) },
    });
    throw error;
  }
  await throttle.succeeded();
  const user = await syncRoleWithConfig(env, db, stored, client.requestId);
  const tokens = await startSession(env, db, user, 'password', client);
  await recordAudit(db, {
    type: 'login.succeeded',
    userId: user.id,
    requestId: client.requestId,
    details: { method: 'password', sessionId: tokens.sessionId },
  });
  return tokens;
}
