/**
 * Consents from a user's preferences, with the defaults applied (personalisation reuses the feed's own
 * `allowsPersonalization`, so there is one rule). Every feature that personalises
 * (feeds, recommendations, ranking by the viewer's history) or shares data must ask here first:
 *
 *   if (!(await consentsFor(db, userId)).personalization) → serve the non-personalised variant.
 *
 * Defaults: personalisation on (an opt-out), marketing off (an opt-in, as GDPR requires), "do not sell
 * or share" off. Anonymous callers get the non-personalised variant anyway.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { allowsPersonalization } from './personalization';

export interface Consents {
  personalization: boolean;
  marketing: boolean;
  doNotSell: boolean;
}

export function consentsOf(preferences: Record<string, unknown> | null | undefined): Consents {
  const given = (preferences?.consents ?? {}) as Partial<Consents>;
  return {
    personalization: allowsPersonalization(preferences ?? undefined),
    marketing: given.marketing === true,
    doNotSell: given.doNotSell === true,
  };
}

/** The signed-in user's consents; an unknown user gets the most private answer. */
export async function consentsFor(db: Db, userId: string): Promise<Consents> {
  const row = await db.query.users.findFirst({ where: eq(users.id, userId), columns: { preferences: true } });
  return row ? consentsOf(row.preferences) : { personalization: false, marketing: false, doNotSell: true };
}
