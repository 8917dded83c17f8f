/**
 * Turns ranked feed entries into items: one D1 batch for the rows (hidden or ended things drop out), the
 * viewer's likes and the videos' product tags, then social proof for every product involved.
 */
import type { z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { inList } from '../db/bounded';
import type { Db } from '../db/client';
import { liveSessions, type ProductRow, postLikes, posts, products, videoProductTags, videos } from '../db/schema';
import { toIso } from '../schemas/common';
import type { FeedItem, ProductSummary } from '../schemas/discovery';
import { firstImage } from '../schemas/social';
import type { Ranked } from './feed-ranking';
import { viewersNow } from './live-now';
import { formatPrice } from './personalization';
import { toPost } from './posts';
import { type Proof, partialProof, productProofs } from './social-proof';

type Item = z.infer<typeof FeedItem>;

export function toProductSummary(row: ProductRow, locale: string): z.infer<typeof ProductSummary> {
  return {
    id: row.id,
    title: row.title,
    creatorId: row.creatorId,
    categoryId: row.categoryId,
    price: { amount: row.minPrice, currency: row.currency },
    priceDisplay: formatPrice(row.minPrice, row.currency, locale),
    inStock: row.inStock,
    image: firstImage(row.media),
  };
}

/** Proof of a post or video: its tagged products' recent purchases (sum) and followed buyers (max). */
function taggedProof(tagged: string[], proofs: Map<string, Proof>, fields: Partial<Proof>, now: number): Proof {
  const of = tagged.map((id) => proofs.get(id)).filter((p) => p !== undefined);
  return partialProof(
    {
      purchasesLastHour: of.reduce((n, p) => n + (p.purchasesLastHour ?? 0), 0),
      followedBuyers:
        of.length && of[0].followedBuyers !== null ? Math.max(...of.map((p) => p.followedBuyers ?? 0)) : null,
      ...fields,
    },
    now,
  );
}

export interface HydrateInput {
  entries: Ranked[];
  viewerId: string | null;
  likerId: string | null;
  locale: string;
  now: number;
}

export async function hydrateFeed(env: Env, db: Db, input: HydrateInput): Promise<Item[]> {
  const ids = (t: Ranked['t']) => input.entries.filter((e) => e.t === t).map((e) => e.id);
  const [postIds, productIds, videoIds, liveIds] = [ids('post'), ids('product'), ids('video'), ids('live')];
  const [postRows, productRows, videoRows, liveRows, tags, likes] = await db.batch([
    db
      .select()
      .from(posts)
      .where(and(inList(posts.id, postIds), isNull(posts.hiddenAt))),
    db.select().from(products).where(inList(products.id, productIds)),
    db
      .select()
      .from(videos)
      .where(and(inList(videos.id, videoIds), isNull(videos.hiddenAt))),
    db.select().from(liveSessions).where(inList(liveSessions.id, liveIds)),
    db
      .select({ videoId: videoProductTags.videoId, productId: videoProductTags.productId })
      .from(videoProductTags)
      .where(inList(videoProductTags.videoId, videoIds)),
    db
      .select({ postId: postLikes.postId })
      .from(postLikes)
      .where(and(eq(postLikes.userId, input.likerId ?? ''), inList(postLikes.postId, postIds))),
  ]);
  const proofIds = [...productIds, ...postRows.flatMap((p) => p.productIds), ...tags.map((t) => t.productId)];
  const stillLive = liveRows.filter((l) => l.status !== 'ended');
  const [proofs, viewers] = await Promise.all([
    productProofs(env, db, proofIds, input.viewerId, input.now),
    viewersNow(
      env,
      stillLive.filter((l) => l.status === 'live').map((l) => l.id),
    ),
  ]);
  const liked = new Set(likes.map((l) => l.postId));
  const items: Item[] = [];
  for (const entry of input.entries) {
    const base = { id: entry.id, reason: entry.r };
    if (entry.t === 'post') {
      const row = postRows.find((p) => p.id === entry.id);
      if (!row) continue;
      const socialProof = taggedProof(row.productIds, proofs, { likes: row.likeCount }, input.now);
      items.push({ type: 'post', ...base, post: toPost(row, input.likerId ? liked.has(row.id) : null), socialProof });
    } else if (entry.t === 'product') {
      const row = productRows.find((p) => p.id === entry.id);
      const socialProof = proofs.get(entry.id);
      if (!row || !socialProof) continue;
      items.push({ type: 'product', ...base, product: toProductSummary(row, input.locale), socialProof });
    } else if (entry.t === 'video') {
      const row = videoRows.find((v) => v.id === entry.id);
      if (!row) continue;
      const tagged = tags.filter((t) => t.videoId === row.id).map((t) => t.productId);
      const video = { id: row.id, creatorId: row.creatorId, title: row.title, url: row.url, views: row.viewCount };
      items.push({ type: 'video', ...base, video, socialProof: taggedProof(tagged, proofs, {}, input.now) });
    } else {
      const row = stillLive.find((l) => l.id === entry.id);
      if (!row) continue;
      const live = {
        id: row.id,
        creatorId: row.creatorId,
        title: row.title,
        status: row.status as 'live' | 'scheduled',
        scheduledAt: row.scheduledAt ? toIso(row.scheduledAt) : null,
        startedAt: row.startedAt ? toIso(row.startedAt) : null,
      };
      const socialProof = partialProof(
        { viewersNow: row.status === 'live' ? (viewers.get(row.id) ?? 0) : null },
        input.now,
      );
      items.push({ type: 'live', ...base, live, socialProof });
    }
  }
  return items;
}
