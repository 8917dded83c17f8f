/** Comments on posts, oldest first, cursor-paginated. Hidden comments are in no list and no count. */
import type { z } from '@hono/zod-openapi';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type CommentRow, comments, posts } from '../db/schema';
import { newId } from '../lib/ids';
import { decodeCursor, paginate } from '../lib/pagination';
import { toIso } from '../schemas/common';
import type { Comment } from '../schemas/social';
import { bumpPostAndProducts, findVisiblePost } from './posts';
import { trendingWeights } from './trending';

export function toComment(row: CommentRow): z.infer<typeof Comment> {
  return { id: row.id, postId: row.postId, authorId: row.authorId, text: row.text, createdAt: toIso(row.createdAt) };
}

/** The visible-comment count, recomputed; use it in every batch that changes a post's comments. */
export function recountComments(db: Db, postId: string) {
  return db
    .update(posts)
    .set({
      commentCount: sql`(select count(*) from comments where post_id = ${postId} and hidden_at is null)`,
    })
    .where(eq(posts.id, postId));
}

export async function createComment(db: Db, postId: string, authorId: string, text: string) {
  const post = await findVisiblePost(db, postId);
  const now = Date.now();
  const row: CommentRow = {
    id: newId('comment', now),
    postId,
    authorId,
    text,
    hiddenAt: null,
    hiddenByAdmin: false,
    createdAt: now,
  };
  await db.batch([db.insert(comments).values(row), recountComments(db, postId)]);
  await bumpPostAndProducts(db, post, trendingWeights.comment, now);
  return toComment(row);
}

export async function listComments(db: Db, postId: string, query: { limit: number; cursor?: string }) {
  await findVisiblePost(db, postId);
  const after = decodeCursor(query.cursor, 1, [postId]) as [string] | undefined;
  const rows = await db
    .select()
    .from(comments)
    .where(and(eq(comments.postId, postId), isNull(comments.hiddenAt), after ? gt(comments.id, after[0]) : undefined))
    .orderBy(asc(comments.id))
    .limit(query.limit + 1);
  const page = paginate(rows, query.limit, (row) => [row.id], [postId]);
  return { data: page.data.map(toComment), nextCursor: page.nextCursor };
}
