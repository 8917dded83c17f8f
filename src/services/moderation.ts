/**
 * Moderation basics. Anyone signed in can report a post, comment, review or video. The creator whose
 * space it is (the post's author for a post or its comments, the video's creator) or an admin can hide it;
 * hidden content leaves every read, feed and count (the counts are recomputed in the same batch), and can be
 * shown again the same way. Reviews are the exception: a seller hiding reviews of their own products is review
 * suppression (it skews the ratings buyers trust, and the FTC's 2024 rule on reviews forbids it), so the
 * product's creator may report a review but only an admin may hide it.
 */
import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client';
import { comments, posts, products, type ReportTarget, reports, reviews, videos } from '../db/schema';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { toIso } from '../schemas/common';
import { recountComments } from './comments';
import { recomputeProductStats } from './product-stats';

interface Target {
  /** Who may hide it besides admins. */
  moderatorId: string;
  /** Set when the owner may show it again but not hide it: why they may not. */
  ownerMayNotHide?: string;
  hidden: boolean;
  /** Hidden by an admin: then only an admin may show it again. */
  hiddenByAdmin: boolean;
  /** Products whose aggregates move when it is hidden. */
  productIds: string[];
  /** Statements that hide (`at` set) or show (`at` null) it and recompute what it counted in. */
  setHidden: (at: number | null, byAdmin: boolean) => [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]];
}

async function loadTarget(db: Db, type: ReportTarget, id: string): Promise<Target | undefined> {
  if (type === 'post') {
    const post = await db.query.posts.findFirst({ where: eq(posts.id, id) });
    if (!post) return undefined;
    return {
      moderatorId: post.authorId,
      hidden: post.hiddenAt !== null,
      hiddenByAdmin: post.hiddenByAdmin,
      productIds: post.productIds,
      setHidden: (at, byAdmin) => [
        db.update(posts).set({ hiddenAt: at, hiddenByAdmin: byAdmin }).where(eq(posts.id, id)),
        ...recomputeProductStats(db, post.productIds),
      ],
    };
  }
  if (type === 'comment') {
    const comment = await db.query.comments.findFirst({ where: eq(comments.id, id) });
    const post = comment && (await db.query.posts.findFirst({ where: eq(posts.id, comment.postId) }));
    if (!comment || !post) return undefined;
    return {
      moderatorId: post.authorId,
      hidden: comment.hiddenAt !== null,
      hiddenByAdmin: comment.hiddenByAdmin,
      productIds: [],
      setHidden: (at, byAdmin) => [
        db.update(comments).set({ hiddenAt: at, hiddenByAdmin: byAdmin }).where(eq(comments.id, id)),
        recountComments(db, post.id),
      ],
    };
  }
  if (type === 'review') {
    const review = await db.query.reviews.findFirst({ where: eq(reviews.id, id) });
    const product =
      review &&
      (await db.query.products.findFirst({ columns: { creatorId: true }, where: eq(products.id, review.productId) }));
    if (!review || !product) return undefined;
    return {
      moderatorId: product.creatorId,
      // Showing again stays theirs: a review they hid before this rule can come back.
      ownerMayNotHide: 'Reviews of your own products cannot be hidden by you; report it and an admin will decide',
      hidden: review.hiddenAt !== null,
      hiddenByAdmin: review.hiddenByAdmin,
      productIds: [review.productId],
      setHidden: (at, byAdmin) => [
        db.update(reviews).set({ hiddenAt: at, hiddenByAdmin: byAdmin }).where(eq(reviews.id, id)),
        ...recomputeProductStats(db, [review.productId]),
      ],
    };
  }
  const video = await db.query.videos.findFirst({ where: eq(videos.id, id) });
  if (!video) return undefined;
  return {
    moderatorId: video.creatorId,
    hidden: video.hiddenAt !== null,
    hiddenByAdmin: video.hiddenByAdmin,
    productIds: [],
    setHidden: (at, byAdmin) => [
      db.update(videos).set({ hiddenAt: at, hiddenByAdmin: byAdmin }).where(eq(videos.id, id)),
    ],
  };
}

export async function createReport(
  db: Db,
  reporterId: string,
  input: { targetType: ReportTarget; targetId: string; reason: string },
) {
  const target = await loadTarget(db, input.targetType, input.targetId);
  if (!target || target.hidden) throw new ApiError('not_found', `No ${input.targetType} ${input.targetId}`);
  const now = Date.now();
  const row = { id: newId('report', now), reporterId, ...input, createdAt: now };
  await db.insert(reports).values(row);
  return { ...row, createdAt: toIso(now) };
}

/**
 * Hides or shows content; someone who may not moderate it gets a 404, as for anything not theirs. What an admin
 * hid only an admin may show again (`403`: the owner knows it exists); the owner may undo their own hiding.
 * A review's owner (the product's creator) gets `403` for hiding it.
 */
export async function setHidden(db: Db, auth: AuthContext, type: ReportTarget, id: string, hidden: boolean) {
  const target = await loadTarget(db, type, id);
  const admin = auth.role === 'admin';
  if (!target || (!admin && auth.userId !== target.moderatorId)) {
    throw new ApiError('not_found', `No ${type} ${id} that you can moderate`);
  }
  if (hidden && !admin && target.ownerMayNotHide) throw new ApiError('forbidden', target.ownerMayNotHide);
  if (!hidden && target.hiddenByAdmin && !admin) {
    throw new ApiError('forbidden', `An admin hid this ${type}; only an admin can show it again`);
  }
  // An admin hiding what its owner already hid makes it the admin's decision.
  if (target.hidden !== hidden || (hidden && admin && !target.hiddenByAdmin)) {
    await db.batch(hidden ? target.setHidden(Date.now(), admin) : target.setHidden(null, false));
  }
  return { result: { targetType: type, targetId: id, hidden }, productIds: target.productIds };
}
