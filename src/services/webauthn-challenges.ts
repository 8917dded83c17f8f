/** Single-use, expiring WebAuthn challenges in D1: presenting one deletes it, whatever happens next. */
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { webauthnChallenges } from '../db/schema';
import { ApiError } from '../lib/errors';
import { fromBase64url } from '../lib/jwt';

export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

export async function storeChallenge(db: Db, challenge: string, kind: 'register' | 'login', userId: string | null) {
  const now = Date.now();
  await db.batch([
    // Housekeeping on the way in keeps the table small without a cron.
    db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)),
    db.insert(webauthnChallenges).values({ challenge, kind, userId, expiresAt: now + CHALLENGE_TTL_MS }),
  ]);
}

/** The challenge a client signed, read from its clientDataJSON (verification re-checks it). */
export function challengeOf(clientDataJSON: string): string {
  try {
    const data = JSON.parse(new TextDecoder().decode(fromBase64url(clientDataJSON)));
    if (typeof data?.challenge === 'string') return data.challenge;
  } catch {}
  throw new ApiError('bad_request', 'clientDataJSON is not valid', {
    errors: [{ path: 'body.response.response.clientDataJSON', message: 'not valid client data' }],
  });
}

/**
 * Consumes a challenge: deleted atomically, so a replayed or concurrent second use finds nothing.
 * Returns the user it was issued to (registration) or null (login).
 */
export async function consumeChallenge(db: Db, challenge: string, kind: 'register' | 'login') {
  const [row] = await db
    .delete(webauthnChallenges)
    .where(and(eq(webauthnChallenges.challenge, challenge), eq(webauthnChallenges.kind, kind)))
    .returning();
  if (!row || row.expiresAt <= Date.now()) {
    throw new ApiError('unauthorized', 'The passkey challenge is unknown, used or expired; ask for new options');
  }
  return row;
}
