/** Posts with media and product tags, and their likes. Hidden posts are not found (except by moderators). */
import type { z } from '@hono/zod-openapi';
import { and, eq, sql } from 'drizzle-orm';
import { inList, insertRows } from '../db/bounded';
import type { Db } from '../db/client';
import { type PostRow, postLikes, postProducts, posts, products } from '../db/schema';
import type { AuthContext } from '../lib/context';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { toIso } from '../schemas/common';
import type { Post, PostCreate } from '../schemas/social';
import { recomputeProductStats } from './product-stats';
import { bumpTrending, trendingWeights } from './trending';

export function toPost(row: PostRow, likedByMe: boolean | null): z.infer<typeof Post> {
  return {
    id: row.id,
    authorId: row.authorId,
    text: row.text,
    media: row.media,
    productIds: row.productIds,
    likes: row.likeCount,
    comments: row.commentCount,
    likedByMe,
    createdAt: toIso(row.createdAt),
  };
}

/**
 * A 422 naming each unknown product at `pathOf(id)`, the request field it came from. With `ownedBy`, also each
 * product of another creator (admins may name any): what a video shows and sells is its creator's catalog.
 */
export async function assertProductsExist(
  db: Db,
  productIds: string[],
  pathOf: (id: string) => string = () => 'body.productIds',
  ownedBy?: AuthContext,
) {
  if (productIds.length === 0) return;
  const found = await db
    .select({ id: products.id, creatorId: products.creatorId })
    .from(products)
    .where(inList(products.id, productIds));
  const errors = productIds.flatMap((id) => {
    const product = found.find((f) => f.id === id);
    if (!product) return [{ path: pathOf(id), message: `unknown product ${id}` }];
    if (ownedBy && ownedBy.role !== 'admin' && product.creatorId !== ownedBy.userId) {
      return [{ path: pathOf(id), message: 'not one of your products' }];
    }
    return [];
  });
  if (errors.length > 0) {
    throw new ApiError('unprocessable', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  }
}

export async function createPost(db: Db, authorId: string, input: z.infer<typeof PostCreate>) {
  await assertProductsExist(db, input.productIds);
  const now = Date.now();
  const row: PostRow = {
    id: newId('post', now),
    authorId,
    text: input.text,
    media: input.media,
    productIds: input.productIds,
    likeCount: 0,
    commentCount: 0,
    trending: 0,
    hiddenAt: null,
    hiddenByAdmin: false,
    createdAt: now,
  };
  const tagRows = input.productIds.map((productId) => ({ postId: row.id, productId }));
  await db.batch([db.insert(posts).values(row), ...insertRows(db, postProducts, tagRows)]);
  return toPost(row, false);
}

/** Whoever may hide a post (its author, or an admin) also still sees it while hidden. */
export function canModeratePost(auth: AuthContext | undefined, post: PostRow): boolean {
  return !!auth && (auth.role === 'admin' || auth.userId === post.authorId);
}

export async function findVisiblePost(db: Db, postId: string, auth?: AuthContext): Promise<PostRow> {
  const row = await db.query.posts.findFirst({ where: eq(posts.id, postId) });
  if (!row || (row.hiddenAt !== null && !canModeratePost(auth, row))) throw new ApiError('not_found', 'Post not found');
  return row;
}

export async function getPost(db: Db, postId: string, auth?: AuthContext) {
  const row = await findVisiblePost(db, postId, auth);
  const liked = auth
    ? await db.query.postLikes.findFirst({
        columns: { postId: true },
        where: and(eq(postLikes.postId, postId), eq(postLikes.userId, auth.userId)),
      })
    : undefined;
  return toPost(row, auth ? !!liked : null);
}

/**
 * Likes: the primary key (post, user) makes a like idempotent; the count is recomputed from the likes
 * table in the same batch, so any number of concurrent likes and unlikes leaves it exact.
 */
export async function setLike(db: Db, postId: string, userId: string, liked: boolean) {
  const post = await findVisiblePost(db, postId);
  const now = Date.now();
  const change = liked
    ? db.insert(postLikes).values({ postId, userId, createdAt: now }).onConflictDoNothing().returning()
    : db
        .delete(postLikes)
        .where(and(eq(postLikes.postId, postId), eq(postLikes.userId, userId)))
        .returning();
  const [changed, counted] = await db.batch([
    change,
    db
      .update(posts)
      .set({ likeCount: sql`(select count(*) from post_likes where post_id = ${postId})` })
      .where(eq(posts.id, postId))
      .returning({ likeCount: posts.likeCount }),
    ...recomputeProductStats(db, post.productIds, now),
  ]);
  // Only a like that really happened moves trending; replays and unlikes do not.
  if (liked && changed.length > 0) await bumpPostAndProducts(db, post, trendingWeights.like, now);
  return { postId, liked, likes: counted[0]?.likeCount ?? 0 };
}

export async function bumpPostAndProducts(db: Db, post: PostRow, weight: number, at: number) {
  await db.batch([
    db
      .update(posts)
      .set({ trending: bumpTrending(posts.trending, weight, at) })
      .where(eq(posts.id, post.id)),
    ...post.productIds.map((id) =>
      db
        .update(products)
        .set({ trendingScore: bumpTrending(products.trendingScore, weight, at) })
        .where(eq(products.id, id)),
    ),
  ]);
}
