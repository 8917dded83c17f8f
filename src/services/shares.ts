/**
 * Share links and attribution. `POST /v1/shares` mints a short code for a product, post, video or live
 * session; `GET /s/{code}` counts the click and redirects; an order that later carries the code is
 * attributed when paid (see share-attribution.ts for which lines count) and shows up in the stats of the sharer
 * and of the creator.
 */
import type { z } from '@hono/zod-openapi';
import { and, desc, eq, exists, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  posts,
  products,
  type ShareRow,
  type ShareTarget,
  shareAttributions,
  shares,
  users,
  videos,
} from '../db/schema';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { Share, ShareStats } from '../schemas/discovery';
import { liveSessionHost } from './live-now';
import { notErased } from './privacy/account';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 10 base-62 characters (~59 bits): unguessable enough that codes cannot be enumerated. */
function newCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(bytes, (b) => ALPHABET[b % 62]).join('');
}

/** The creator who owns what is shared; unknown or hidden things are a 404. */
async function targetCreator(db: Db, type: ShareTarget, id: string): Promise<string | undefined> {
  if (type === 'product') {
    return (await db.query.products.findFirst({ columns: { creatorId: true }, where: eq(products.id, id) }))?.creatorId;
  }
  if (type === 'post') {
    const post = await db.query.posts.findFirst({
      columns: { authorId: true },
      where: and(eq(posts.id, id), isNull(posts.hiddenAt)),
    });
    return post?.authorId;
  }
  if (type === 'video') {
    const video = await db.query.videos.findFirst({
      columns: { creatorId: true },
      where: and(eq(videos.id, id), isNull(videos.hiddenAt)),
    });
    return video?.creatorId;
  }
  return liveSessionHost(db, id);
}

function toShare(row: ShareRow, origin: string): z.infer<typeof Share> {
  return {
    id: row.id,
    code: row.code,
    url: `${origin}/s/${row.code}`,
    targetType: row.targetType,
    targetId: row.targetId,
    channel: row.channel,
    createdAt: toIso(row.createdAt),
  };
}

export async function createShare(
  db: Db,
  sharerId: string,
  input: { targetType: ShareTarget; targetId: string; channel: string },
  origin: string,
) {
  const creatorId = await targetCreator(db, input.targetType, input.targetId);
  if (!creatorId) throw new ApiError('not_found', `No ${input.targetType} ${input.targetId}`);
  const now = Date.now();
  const row: ShareRow = {
    id: newId('share', now),
    code: newCode(),
    sharerId,
    creatorId,
    clicks: 0,
    createdAt: now,
    ...input,
  };
  await db.insert(shares).values(row);
  return toShare(row, origin);
}

/**
 * The share behind a link (unknown codes are a 404), counting the open as a click unless `count` is false (a
 * HEAD opens nothing). `credited` is false when the sharer's account was erased: the link still leads to what
 * was shared, but the open is not counted and nothing is credited to anyone (share-attribution.ts).
 */
export async function clickShare(db: Db, code: string, count = true): Promise<{ share: ShareRow; credited: boolean }> {
  if (count) {
    const sharerStands = exists(
      db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, shares.sharerId), notErased())),
    );
    const [counted] = await db
      .update(shares)
      .set({ clicks: sql`${shares.clicks} + 1` })
      .where(and(eq(shares.code, code), sharerStands))
      .returning();
    if (counted) return { share: counted, credited: true };
  }
  // Not counted: a HEAD, an unknown code, or an erased sharer's.
  const [row] = await db
    .select({ share: shares, credited: sql<number>`${notErased()}`.mapWith(Boolean) })
    .from(shares)
    .innerJoin(users, eq(users.id, shares.sharerId))
    .where(eq(shares.code, code));
  if (!row) throw new ApiError('not_found', 'This share link does not exist');
  return row;
}

const targetPaths: Record<ShareTarget, string> = { product: 'products', post: 'posts', video: 'videos', live: 'live' };

/**
 * Deep link and web fallback for a share; both carry the code so the app can send it with the order, unless
 * the share credits nobody (its sharer's account was erased).
 */
export function shareDestinations(env: Env, row: ShareRow, credited = true) {
  const path = `${targetPaths[row.targetType]}/${row.targetId}${credited ? `?shareCode=${row.code}` : ''}`;
  const app = env.SHARE_APP_LINK_BASE || 'showroom://';
  const web = (env.SHARE_WEB_BASE || 'http://localhost:3000').replace(/\/$/, '');
  return { app: `${app}${path}`, web: `${web}/${path}` };
}

async function withStats(db: Db, rows: ShareRow[], origin: string): Promise<z.infer<typeof ShareStats>[]> {
  if (rows.length === 0) return [];
  const totals = await db
    .select({
      shareId: shareAttributions.shareId,
      currency: shareAttributions.currency,
      orders: sql<number>`count(*)`,
      amount: sql<number>`sum(${shareAttributions.amount})`,
    })
    .from(shareAttributions)
    .where(sql`${shareAttributions.shareId} in ${rows.map((r) => r.id)}`)
    .groupBy(shareAttributions.shareId, shareAttributions.currency);
  return rows.map((row) => {
    const mine = totals.filter((t) => t.shareId === row.id);
    return {
      ...toShare(row, origin),
      sharerId: row.sharerId,
      creatorId: row.creatorId,
      clicks: row.clicks,
      orders: mine.reduce((n, t) => n + t.orders, 0),
      revenue: mine.map((t) => ({ amount: t.amount, currency: t.currency })),
    };
  });
}

/** Stats for one share: visible to its sharer, the creator of what was shared, and admins. */
export async function shareStats(db: Db, auth: AuthContext, code: string, origin: string) {
  const row = await db.query.shares.findFirst({ where: eq(shares.code, code) });
  if (!row || (auth.role !== 'admin' && auth.userId !== row.sharerId && auth.userId !== row.creatorId)) {
    throw new ApiError('not_found', 'Share not found');
  }
  const [stats] = await withStats(db, [row], origin);
  return stats;
}

export async function myShares(
  db: Db,
  userId: string,
  query: { as: 'sharer' | 'creator'; limit: number; cursor?: string },
  origin: string,
) {
  const scope = [query.as];
  const before = decodeCursor(query.cursor, 1, scope) as [string] | undefined;
  const owner = query.as === 'sharer' ? eq(shares.sharerId, userId) : eq(shares.creatorId, userId);
  const rows = await db
    .select()
    .from(shares)
    .where(and(owner, before ? lt(shares.id, before[0]) : undefined))
    .orderBy(desc(shares.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (row) => [row.id], scope);
  return { data: await withStats(db, page.data, origin), nextCursor: page.nextCursor };
}
