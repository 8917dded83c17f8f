/**
 * Shoppable videos: products tagged at time ranges, "what is on screen at t", and viewer events (view,
 * progress, product tap) kept raw for later analytics. Views and taps also feed trending.
 */
import type { z } from '@hono/zod-openapi';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import { inList, insertRows } from '../db/bounded';
import type { Db } from '../db/client';
import { products, type VideoRow, videoEvents, videoProductTags, videos } from '../db/schema';
import { batchAll } from '../lib/batch';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { toIso } from '../schemas/common';
import type { Video, VideoCreate, VideoEvent } from '../schemas/discovery';
import { firstImage } from '../schemas/social';
import { assertProductsExist } from './posts';
import { bumpTrending, trendingWeights } from './trending';

type Tag = { productId: string; startMs: number; endMs: number };

function toVideo(row: VideoRow, tags: Tag[]): z.infer<typeof Video> {
  return {
    id: row.id,
    creatorId: row.creatorId,
    title: row.title,
    url: row.url,
    productTags: tags,
    views: row.viewCount,
    createdAt: toIso(row.createdAt),
  };
}

export async function createVideo(db: Db, auth: AuthContext, input: z.infer<typeof VideoCreate>) {
  // A video shows and sells only its creator's catalog, as a live session does; its shares earn only those sales.
  const ids = [...new Set(input.productTags.map((t) => t.productId))];
  const pathOf = (id: string) => `body.productTags.${input.productTags.findIndex((t) => t.productId === id)}.productId`;
  await assertProductsExist(db, ids, pathOf, auth);
  const creatorId = auth.userId;
  const now = Date.now();
  const row: VideoRow = {
    id: newId('video', now),
    creatorId,
    title: input.title,
    url: input.url,
    viewCount: 0,
    trending: 0,
    hiddenAt: null,
    hiddenByAdmin: false,
    createdAt: now,
  };
  const tags = input.productTags.map((t, position) => ({ videoId: row.id, position, ...t }));
  await batchAll(db, [db.insert(videos).values(row), ...insertRows(db, videoProductTags, tags)]);
  return toVideo(row, input.productTags);
}

/** Hidden videos are gone for everyone but their creator and admins. */
async function findVisibleVideo(db: Db, id: string, auth?: AuthContext): Promise<VideoRow> {
  const row = await db.query.videos.findFirst({ where: eq(videos.id, id) });
  const moderator = !!auth && (auth.role === 'admin' || auth.userId === row?.creatorId);
  if (!row || (row.hiddenAt !== null && !moderator)) throw new ApiError('not_found', 'Video not found');
  return row;
}

export async function getVideo(db: Db, id: string, auth?: AuthContext) {
  const row = await findVisibleVideo(db, id, auth);
  const tags = await db
    .select({ productId: videoProductTags.productId, startMs: videoProductTags.startMs, endMs: videoProductTags.endMs })
    .from(videoProductTags)
    .where(eq(videoProductTags.videoId, id))
    .orderBy(asc(videoProductTags.startMs), asc(videoProductTags.position));
  return toVideo(row, tags);
}

/** Products on screen at `atMs`: tags whose range [startMs, endMs) contains it, earliest first. */
export async function productsAt(db: Db, id: string, atMs: number) {
  await findVisibleVideo(db, id);
  const rows = await db
    .select({
      productId: videoProductTags.productId,
      startMs: videoProductTags.startMs,
      endMs: videoProductTags.endMs,
      title: products.title,
      price: products.minPrice,
      currency: products.currency,
      inStock: products.inStock,
      media: products.media,
    })
    .from(videoProductTags)
    .innerJoin(products, eq(products.id, videoProductTags.productId))
    .where(and(eq(videoProductTags.videoId, id), lte(videoProductTags.startMs, atMs), gt(videoProductTags.endMs, atMs)))
    .orderBy(asc(videoProductTags.startMs), asc(videoProductTags.position));
  return {
    atMs,
    data: rows.map((r) => ({
      productId: r.productId,
      startMs: r.startMs,
      endMs: r.endMs,
      title: r.title,
      price: { amount: r.price, currency: r.currency },
      inStock: r.inStock,
      image: firstImage(r.media),
    })),
  };
}

/** Stores viewer events; views and product taps also move trending for the video and its products. */
export async function recordVideoEvents(
  db: Db,
  id: string,
  viewerId: string | null,
  device: string | null,
  events: z.infer<typeof VideoEvent>[],
) {
  await findVisibleVideo(db, id);
  const tapped = [...new Set(events.filter((e) => e.type === 'product_tap').map((e) => e.productId as string))];
  if (tapped.length > 0) {
    const tagged = await db
      .selectDistinct({ productId: videoProductTags.productId })
      .from(videoProductTags)
      .where(and(eq(videoProductTags.videoId, id), inList(videoProductTags.productId, tapped)));
    const unknown = tapped.filter((p) => !tagged.some((t) => t.productId === p));
    if (unknown.length > 0) throw new ApiError('unprocessable', `Not tagged in this video: ${unknown.join(', ')}`);
  }
  const now = Date.now();
  const views = events.filter((e) => e.type === 'view').length;
  await batchAll(db, [
    ...insertRows(
      db,
      videoEvents,
      events.map((e) => ({
        videoId: id,
        userId: viewerId,
        type: e.type,
        positionMs: e.positionMs ?? null,
        productId: e.productId ?? null,
        device,
        createdAt: now,
      })),
    ),
    ...(views > 0
      ? [
          db
            .update(videos)
            .set({
              viewCount: sql`${videos.viewCount} + ${views}`,
              trending: bumpTrending(videos.trending, trendingWeights.view * views, now),
            })
            .where(eq(videos.id, id)),
        ]
      : []),
    ...tapped.map((productId) =>
      db
        .update(products)
        .set({ trendingScore: bumpTrending(products.trendingScore, trendingWeights.productTap, now) })
        .where(eq(products.id, productId)),
    ),
  ]);
  return { accepted: events.length };
}
