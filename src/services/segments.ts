/**
 * Operator-defined segments (new, repeat buyer, big spender, lapsed), evaluated on demand against the
 * users table and the purchase read model, so membership is always current. Rules combine with AND. Erased
 * accounts (their rows stay, anonymised) are in no segment: there is no one left to count or target.
 */
import type { z } from '@hono/zod-openapi';
import { and, asc, count, eq, gt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type SegmentRow, type SegmentRule, segments, users } from '../db/schema';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { Segment, SegmentCreate } from '../schemas/discovery';
import { notErased } from './privacy/account';

const DAY_MS = 24 * 3600 * 1000;

/** One rule as a condition on `users` (correlated subqueries on the indexed purchases table). */
function condition(rule: SegmentRule, now: number): SQL {
  const uid = users.id;
  switch (rule.kind) {
    case 'new':
      return sql`${users.createdAt} >= ${now - rule.withinDays * DAY_MS}`;
    case 'repeat_buyer':
      return sql`(select count(distinct order_id) from purchases where user_id = ${uid}) >= ${rule.minOrders}`;
    case 'big_spender':
      return sql`(select coalesce(sum(amount), 0) from purchases
        where user_id = ${uid} and currency = ${rule.minSpend.currency}) >= ${rule.minSpend.amount}`;
    case 'lapsed':
      return sql`(select max(paid_at) from purchases where user_id = ${uid}) < ${now - rule.inactiveDays * DAY_MS}`;
  }
}

const matches = (rules: SegmentRule[], now: number) => and(notErased(), ...rules.map((r) => condition(r, now)));

function toSegment(row: SegmentRow, memberCount: number | null): z.infer<typeof Segment> {
  return { id: row.id, key: row.key, name: row.name, rules: row.rules, memberCount, createdAt: toIso(row.createdAt) };
}

export async function createSegment(db: Db, adminId: string, input: z.infer<typeof SegmentCreate>) {
  const now = Date.now();
  const row: SegmentRow = { id: newId('segment', now), createdBy: adminId, createdAt: now, ...input };
  const inserted = await db.insert(segments).values(row).onConflictDoNothing().returning({ id: segments.id });
  if (inserted.length === 0) throw new ApiError('already_exists', `A segment with key ${input.key} exists`);
  return toSegment(row, null);
}

/** The segments list's cursor scope: the list's name, as it has no filters (pagination.ts). */
const SEGMENTS_LIST = ['segments'] as const;

export async function listSegments(db: Db, query: { limit: number; cursor?: string }) {
  const after = decodeCursor(query.cursor, 1, SEGMENTS_LIST) as [string] | undefined;
  const rows = await db
    .select()
    .from(segments)
    .where(after ? gt(segments.id, after[0]) : undefined)
    .orderBy(asc(segments.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (row) => [row.id], SEGMENTS_LIST);
  return { data: page.data.map((row) => toSegment(row, null)), nextCursor: page.nextCursor };
}

async function findSegment(db: Db, id: string): Promise<SegmentRow> {
  const row = await db.query.segments.findFirst({ where: eq(segments.id, id) });
  if (!row) throw new ApiError('not_found', 'Segment not found');
  return row;
}

export async function getSegment(db: Db, id: string) {
  const row = await findSegment(db, id);
  const [total] = await db.select({ n: count() }).from(users).where(matches(row.rules, Date.now()));
  return toSegment(row, total?.n ?? 0);
}

export async function segmentMembers(db: Db, id: string, query: { limit: number; cursor?: string }) {
  const row = await findSegment(db, id);
  const after = decodeCursor(query.cursor, 1, [id]) as [string] | undefined;
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, createdAt: users.createdAt })
    .from(users)
    .where(and(matches(row.rules, Date.now()), after ? gt(users.id, after[0]) : undefined))
    .orderBy(asc(users.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (r) => [r.id], [id]);
  return { data: page.data.map((r) => ({ ...r, createdAt: toIso(r.createdAt) })), nextCursor: page.nextCursor };
}

export async function isMember(db: Db, id: string, userId: string) {
  const row = await findSegment(db, id);
  const [user] = await db
    // NULL (e.g. "lapsed" for someone who never bought) is not a match.
    .select({ member: sql<number>`(${matches(row.rules, Date.now())}) is true` })
    .from(users)
    .where(and(eq(users.id, userId), notErased()));
  if (!user) throw new ApiError('not_found', 'User not found');
  return { segmentId: id, userId, member: user.member === 1 };
}
