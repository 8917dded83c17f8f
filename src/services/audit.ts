/**
 * The audit trail of security events, in D1. Callers pass ids and non-secret facts only: never a
 * password, token, or full email (use `maskEmail`).
 */
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type AuditEventRow, auditEvents } from '../db/schema';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';

export type AuditType =
  | 'account.registered'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.locked'
  | 'token.reuse_detected'
  | 'session.revoked'
  | 'sessions.revoked_all'
  | 'role.changed'
  | 'passkey.registered'
  | 'passkey.removed'
  | 'account.exported'
  | 'account.erased';

export interface AuditInput {
  type: AuditType;
  userId?: string | null;
  actorId?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, input: AuditInput): Promise<void> {
  const now = Date.now();
  await db.insert(auditEvents).values({
    id: newId('audit', now),
    at: now,
    type: input.type,
    userId: input.userId ?? null,
    actorId: input.actorId ?? null,
    requestId: input.requestId ?? null,
    details: input.details ?? {},
  });
}

/** Newest first; optional filters by type and user. */
export async function listAudit(
  db: Db,
  query: { limit: number; cursor?: string; type?: string; userId?: string },
): Promise<{ data: AuditEventRow[]; nextCursor: string | null }> {
  const scope = [query.type, query.userId];
  const after = decodeCursor(query.cursor, 2, scope) as [number, string] | undefined;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(
      and(
        query.type ? eq(auditEvents.type, query.type) : undefined,
        query.userId ? eq(auditEvents.userId, query.userId) : undefined,
        after
          ? or(lt(auditEvents.at, after[0]), and(eq(auditEvents.at, after[0]), lt(auditEvents.id, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(auditEvents.at), desc(auditEvents.id))
    .limit(query.limit + 1);
  return paginate(rows, query.limit, (r) => [r.at, r.id], scope);
}
