/** Follows and public profiles. Following is idempotent: a second follow or unfollow changes nothing. */
import { and, count, eq, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { follows, posts, users } from '../db/schema';
import { ApiError } from '../lib/errors';
import { toIso } from '../schemas/common';
import { forgetRankings } from './feed-ranking-cache';
import { liveNowByHost } from './live-now';
import { notErased } from './privacy/account';

/** 404 unless the user exists (and matches `also`, e.g. "not erased"). */
async function assertUserExists(db: Db, userId: string, also?: SQL) {
  const row = await db.query.users.findFirst({ columns: { id: true }, where: and(eq(users.id, userId), also) });
  if (!row) throw new ApiError('not_found', 'User not found');
}

async function followerCount(db: Db, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(follows).where(eq(follows.followeeId, userId));
  return row?.n ?? 0;
}

export async function follow(db: Db, followerId: string, followeeId: string) {
  if (followerId === followeeId) throw new ApiError('unprocessable', 'You cannot follow yourself');
  // An erased account keeps its profile (as "Deleted user") for the content it left, but gains no followers.
  await assertUserExists(db, followeeId, notErased());
  await db.insert(follows).values({ followerId, followeeId, createdAt: Date.now() }).onConflictDoNothing();
  forgetRankings(followerId);
  return { userId: followeeId, following: true, followerCount: await followerCount(db, followeeId) };
}

export async function unfollow(db: Db, followerId: string, followeeId: string) {
  await assertUserExists(db, followeeId);
  await db.delete(follows).where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)));
  forgetRankings(followerId);
  return { userId: followeeId, following: false, followerCount: await followerCount(db, followeeId) };
}

/** A public profile: no email, no preferences. `following` is null for anonymous viewers. */
export async function getProfile(db: Db, userId: string, viewerId: string | undefined) {
  const user = await db.query.users.findFirst({
    columns: { id: true, displayName: true, role: true, createdAt: true },
    where: eq(users.id, userId),
  });
  if (!user) throw new ApiError('not_found', 'User not found');
  const [followers, following, postCount, viewerFollows] = await db.batch([
    db.select({ n: count() }).from(follows).where(eq(follows.followeeId, userId)),
    db.select({ n: count() }).from(follows).where(eq(follows.followerId, userId)),
    db
      .select({ n: count() })
      .from(posts)
      .where(and(eq(posts.authorId, userId), isNull(posts.hiddenAt))),
    db
      .select({ n: count() })
      .from(follows)
      .where(and(eq(follows.followerId, viewerId ?? ''), eq(follows.followeeId, userId))),
  ]);
  const live = await liveNowByHost(db, [userId]);
  return {
    id: user.id,
    displayName: user.displayName,
    role: user.role,
    followerCount: followers[0]?.n ?? 0,
    followingCount: following[0]?.n ?? 0,
    postCount: postCount[0]?.n ?? 0,
    liveNow: live.get(userId) ?? null,
    following: viewerId ? (viewerFollows[0]?.n ?? 0) > 0 : null,
    createdAt: toIso(user.createdAt),
  };
}
