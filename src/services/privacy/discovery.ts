/**
 * Discovery records: purchases (the read model behind social proof), shares, shoppable videos and video
 * viewing events. Erasure keeps purchases and video events for aggregate figures with the user removed
 * (`userId` null), deletes the user's videos, and keeps shares pointing at the anonymised account: their
 * attributions are creators' accounting (deleting a share deletes them with it) and links already sent keep
 * leading to what was shared. From then on a share of an erased account credits nobody and counts no opens
 * (share-attribution.ts, shares.ts), so nothing new is recorded about it.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { purchases, shares, videoEvents, videos } from '../../db/schema';
import { allPages, type PrivacyArea } from '../privacy';

export const discoveryArea: PrivacyArea = {
  name: 'discovery',
  async export(env, userId) {
    const db = createDb(env.DB);
    const [myPurchases, myShares, myVideos] = await db.batch([
      db.select().from(purchases).where(eq(purchases.userId, userId)),
      db.select().from(shares).where(eq(shares.sharerId, userId)),
      db.select().from(videos).where(eq(videos.creatorId, userId)),
    ]);
    // A viewer's progress events add up: read in pages (by the autoincrement id), never cut short.
    const events = await allPages((last: typeof videoEvents.$inferSelect | undefined, limit) =>
      db
        .select()
        .from(videoEvents)
        .where(and(eq(videoEvents.userId, userId), last ? gt(videoEvents.id, last.id) : undefined))
        .orderBy(asc(videoEvents.id))
        .limit(limit),
    );
    return { purchases: myPurchases, shares: myShares, videos: myVideos, videoEvents: events };
  },
  async erase(env, userId) {
    const db = createDb(env.DB);
    const [p, e, v] = await db.batch([
      db
        .update(purchases)
        .set({ userId: null })
        .where(eq(purchases.userId, userId))
        .returning({ id: purchases.orderId }),
      db
        .update(videoEvents)
        .set({ userId: null, device: null })
        .where(eq(videoEvents.userId, userId))
        .returning({ id: videoEvents.id }),
      db.delete(videos).where(eq(videos.creatorId, userId)).returning({ id: videos.id }),
    ]);
    return { purchasesAnonymised: p.length, videoEventsAnonymised: e.length, videosDeleted: v.length };
  },
};
