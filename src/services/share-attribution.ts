/**
 * What a share link earned from a paid order that carried its code. A share is credited with the order's
 * lines of the products it showed the buyer, never with the whole order: someone who shares one creator's
 * product must not be credited with (nor the creator shown) a basket of other creators' products.
 *
 * - `product`: lines of that product;
 * - `post` / `video`: lines of the products tagged in it (whoever sells them: the author chose to show them);
 * - `live`: lines of the products the session shows.
 *
 * An order with none of those lines, or paid by the sharer themselves, is not attributed at all; nor is one
 * carrying the code of a sharer whose account was erased (the share stays, crediting nobody).
 */
import { and, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  liveSessionProducts,
  postProducts,
  type ShareTarget,
  type shareAttributions,
  shares,
  users,
  videoProductTags,
} from '../db/schema';
import { notErased } from './privacy/account';

/**
 * The share behind `code` if it can still earn its sharer anything: an erased account is credited with
 * nothing. A query builder, so an order can read it in its batch.
 */
export function creditableShare(db: Db, code: string) {
  return db
    .select(getTableColumns(shares))
    .from(shares)
    .innerJoin(users, eq(users.id, shares.sharerId))
    .where(and(eq(shares.code, code), notErased()));
}

type ProductIds = Promise<{ productId: string }[]>;

/** The products the person opening a share of this target is shown, read when the order is paid. */
const shownBy: Record<ShareTarget, (db: Db, targetId: string) => ProductIds> = {
  product: async (_db, targetId) => [{ productId: targetId }],
  post: (db, postId) =>
    db.select({ productId: postProducts.productId }).from(postProducts).where(eq(postProducts.postId, postId)),
  video: (db, videoId) =>
    db
      .selectDistinct({ productId: videoProductTags.productId })
      .from(videoProductTags)
      .where(eq(videoProductTags.videoId, videoId)),
  live: (db, sessionId) =>
    db
      .select({ productId: liveSessionProducts.productId })
      .from(liveSessionProducts)
      .where(eq(liveSessionProducts.sessionId, sessionId)),
};

export interface AttributableOrder {
  orderId: string;
  userId: string | null;
  shareCode: string | null;
  currency: string;
  paidAt: number;
  /** One entry per product; `amount` is the lines' total in minor units of `currency`. */
  lines: { productId: string; amount: number }[];
}

/** The attribution row for a paid order, or undefined when no share earned any of it. */
export async function attributionOf(
  db: Db,
  order: AttributableOrder,
): Promise<typeof shareAttributions.$inferInsert | undefined> {
  if (!order.shareCode) return undefined;
  const [share] = await creditableShare(db, order.shareCode);
  // Buying through your own share link is not a referral.
  if (!share || share.sharerId === order.userId) return undefined;
  const shown = new Set((await shownBy[share.targetType](db, share.targetId)).map((r) => r.productId));
  const earned = order.lines.filter((line) => shown.has(line.productId));
  if (earned.length === 0) return undefined;
  return {
    orderId: order.orderId,
    shareId: share.id,
    amount: earned.reduce((sum, line) => sum + line.amount, 0),
    currency: order.currency,
    paidAt: order.paidAt,
  };
}
