/**
 * Passkeys (WebAuthn) with @simplewebauthn/server, which runs on workerd (WebCrypto; nodejs_compat).
 * Registration needs a signed-in user; login uses discoverable credentials, so the options name no
 * account and reveal nothing about which emails exist. User verification (biometrics / PIN) is required.
 */
import type { z } from '@hono/zod-openapi';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type PasskeyRow, passkeys, users } from '../db/schema';
import { ApiError } from '../lib/errors';
import { base64url, fromBase64url } from '../lib/jwt';
import type { PasskeyLoginVerifyBody, PasskeyRegisterVerifyBody } from '../schemas/passkeys';
import { recordAudit } from './audit';
import { type ClientInfo, type IssuedTokens, startSession, syncRoleWithConfig } from './sessions';
import { CHALLENGE_TTL_MS, challengeOf, consumeChallenge, storeChallenge } from './webauthn-challenges';

function relyingParty(env: Env) {
  return {
    rpID: env.WEBAUTHN_RP_ID || 'localhost',
    rpName: env.WEBAUTHN_RP_NAME || 'Showroom',
    origins: (env.WEBAUTHN_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}

const rejected = (why: string) => new ApiError('unauthorized', `The passkey could not be verified: ${why}`);

/**
 * SimpleWebAuthn explains a refused response in its errors' messages (wrong origin, challenge, RP id);
 * a TypeError or RangeError means bytes that do not parse, and its message names our bundle's internals.
 */
const libraryReason = (error: Error) =>
  error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError
    ? 'the response is malformed'
    : error.message;

export async function registrationOptions(env: Env, db: Db, userId: string) {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw new ApiError('unauthorized', 'This account no longer exists');
  const existing = await db.query.passkeys.findMany({ where: eq(passkeys.userId, userId) });
  const rp = relyingParty(env);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: user.email,
    userDisplayName: user.displayName,
    // The user handle is the opaque account id, never the email.
    userID: new Uint8Array(new TextEncoder().encode(user.id)),
    timeout: CHALLENGE_TTL_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await storeChallenge(db, options.challenge, 'register', userId);
  return options;
}

export async function verifyRegistration(
  env: Env,
  db: Db,
  userId: string,
  body: z.infer<typeof PasskeyRegisterVerifyBody>,
  requestId?: string,
): Promise<PasskeyRow> {
  const challenge = await consumeChallenge(db, challengeOf(body.response.response.clientDataJSON), 'register');
  // A challenge issued to someone else is as good as unknown.
  if (challenge.userId !== userId) throw rejected('challenge not issued to this account');
  const rp = relyingParty(env);
  const result = await verifyRegistrationResponse({
    response: body.response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpID,
    requireUserVerification: true,
  }).catch((error: Error) => {
    throw rejected(libraryReason(error));
  });
  if (!result.verified) throw rejected('attestation not verified');
  const { credential, credentialDeviceType, credentialBackedUp } = result.registrationInfo;
  const row: PasskeyRow = {
    id: credential.id,
    userId,
    publicKey: base64url(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
    deviceType: credentialDeviceType,
    backedUp: credentialBackedUp,
    name: body.name ?? 'Passkey',
    createdAt: Date.now(),
    lastUsedAt: null,
  };
  const inserted = await db.insert(passkeys).values(row).onConflictDoNothing().returning({ id: passkeys.id });
  if (inserted.length === 0) throw new ApiError('already_exists', 'This passkey is already registered');
  await recordAudit(db, { type: 'passkey.registered', userId, requestId, details: { passkeyId: row.id } });
  return row;
}

export async function loginOptions(env: Env, db: Db) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(env).rpID,
    timeout: CHALLENGE_TTL_MS,
    userVerification: 'required',
  });
  await storeChallenge(db, options.challenge, 'login', null);
  return options;
}

export async function verifyLogin(
  env: Env,
  db: Db,
  body: z.infer<typeof PasskeyLoginVerifyBody>,
  client: ClientInfo,
): Promise<IssuedTokens> {
  const challenge = await consumeChallenge(db, challengeOf(body.response.response.clientDataJSON), 'login');
  const passkey = await db.query.passkeys.findFirst({ where: eq(passkeys.id, body.response.id) });
  if (!passkey) throw rejected('unknown passkey');
  const rp = relyingParty(env);
  const result = await verifyAuthenticationResponse({
    response: body.response,
    expectedChallenge: challenge.challenge,
    expectedOrigin: rp.origins,
    expectedRPID: rp.rpID,
    credential: { id: passkey.id, publicKey: fromBase64url(passkey.publicKey), counter: passkey.counter },
    requireUserVerification: true,
  }).catch((error: Error) => ({ verified: false, error: error.message }) as const);
  if (!result.verified) {
    await recordAudit(db, {
      type: 'login.failed',
      userId: passkey.userId,
      requestId: client.requestId,
      details: { method: 'passkey', passkeyId: passkey.id, reason: 'error' in result ? result.error : 'not verified' },
    });
    throw rejected('signature not verified');
  }
  await db
    .update(passkeys)
    .set({ counter: result.authenticationInfo.newCounter, lastUsedAt: Date.now() })
    .where(eq(passkeys.id, passkey.id));
  const stored = await db.query.users.findFirst({ where: eq(users.id, passkey.userId) });
  if (!stored) throw rejected('account not found');
  const user = await syncRoleWithConfig(env, db, stored, client.requestId);
  const tokens = await startSession(env, db, user, 'passkey', client);
  await recordAudit(db, {
    type: 'login.succeeded',
    userId: user.id,
    requestId: client.requestId,
    details: { method: 'passkey', passkeyId: passkey.id, sessionId: tokens.sessionId },
  });
  return tokens;
}

export function listPasskeys(db: Db, userId: string) {
  return db.query.passkeys.findMany({ where: eq(passkeys.userId, userId) });
}

/** Removes one of the user's passkeys; someone else's is a 404. */
export async function removePasskey(db: Db, userId: string, id: string, requestId?: string): Promise<void> {
  const removed = await db
    .delete(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
    .returning({ id: passkeys.id });
  if (removed.length === 0) throw new ApiError('not_found', 'Passkey not found');
  await recordAudit(db, { type: 'passkey.removed', userId, requestId, details: { passkeyId: id } });
}
