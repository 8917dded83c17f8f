/**
 * Privacy rights (GDPR art. 15/17/20, CCPA): export everything the service holds about a user, and erase
 * it. Data lives in many places (D1 tables of every area, Durable Objects, KV caches), so each area
 * registers how to export and erase its own records:
 *
 *   registerPrivacyArea({ name: 'orders', export: (env, userId) => …, erase: (env, userId) => … });
 *
 * from a module imported by `src/services/privacy/index.ts`. `export` returns plain JSON; `erase` removes or
 * anonymises, must be idempotent (an erasure that failed half-way is retried) and returns counts for the
 * audit trail. The account itself (profile, sessions, passkeys) is erased last by `eraseUser`, after every
 * area succeeded, so a failed erasure can be retried by the same user (signing in again: their sessions were
 * revoked first) or by an admin.
 */
import type { Db } from '../db/client';
import { log } from '../lib/logger';
import { recordAudit } from './audit';
import { type EventContext, emitDomainEvent } from './domain-events';
import { revokeSessions } from './sessions';

export interface PrivacyArea {
  /** Key under which the area's records appear in the export, e.g. `social`, `orders`. */
  name: string;
  export(env: Env, userId: string): Promise<unknown>;
  /** `events` is for the domain events an area's erasure causes (e.g. product stats it recomputed). */
  erase(env: Env, userId: string, events: EventContext): Promise<Record<string, number> | undefined>;
}

const areas: PrivacyArea[] = [];
let accountArea: PrivacyArea | undefined;

/** Registers an area; names are unique. `account` is special: it is erased after all others. */
export function registerPrivacyArea(area: PrivacyArea): void {
  if (area.name === 'account') {
    accountArea = area;
    return;
  }
  if (areas.some((a) => a.name === area.name)) throw new Error(`privacy area ${area.name} registered twice`);
  areas.push(area);
}

export function privacyAreaNames(): string[] {
  return [...(accountArea ? [accountArea.name] : []), ...areas.map((a) => a.name)];
}

const ISO_KEY = /(At|_at)$/;

/** Timestamps (`…At` in ms) become RFC 3339 strings, as everywhere else in the API. */
export function exportable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(exportable);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        ISO_KEY.test(k) && typeof v === 'number' ? new Date(v).toISOString() : exportable(v),
      ]),
    );
  }
  return value;
}

const EXPORT_PAGE_ROWS = 5000;

/**
 * Every row of a keyset-paged read, `EXPORT_PAGE_ROWS` at a time: an export holds all of a heavy user's records
 * (never the first N of them) without any one D1 read returning all of them. `page(last, limit)` reads the rows
 * after `last` (the previous page's last row; undefined for the first page).
 */
export async function allPages<T>(page: (last: T | undefined, limit: number) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const next = await page(rows.at(-1), EXPORT_PAGE_ROWS);
    rows.push(...next);
    if (next.length < EXPORT_PAGE_ROWS) return rows;
  }
}

export async function exportUser(env: Env, userId: string) {
  const all = [...(accountArea ? [accountArea] : []), ...areas];
  const results = await Promise.all(all.map(async (a) => [a.name, exportable(await a.export(env, userId))] as const));
  return {
    format: 'showroom-export/1',
    exportedAt: new Date().toISOString(),
    userId,
    areas: Object.fromEntries(results),
  };
}

/**
 * Erasure. Sessions are revoked first (every token stops at once, also during the erasure), then each
 * area runs, then the account, then caches showing the user (product cards with a creator's name) are
 * purged via the `user.erased` domain event, and the erasure is audited.
 */
export async function eraseUser(env: Env, db: Db, userId: string, requestId?: string, actorId?: string) {
  await revokeSessions(db, userId, { reason: 'erased' });
  const counts: Record<string, Record<string, number> | undefined> = {};
  const events: EventContext = { env, requestId };
  for (const area of areas) counts[area.name] = await area.erase(env, userId, events);
  if (accountArea) counts.account = await accountArea.erase(env, userId, events);
  await emitDomainEvent({ type: 'user.erased', userId }, events);
  await recordAudit(db, { type: 'account.erased', userId, actorId, requestId, details: { counts } });
  log('info', 'privacy.erased', { requestId, userId, areas: Object.keys(counts) });
  return counts;
}
