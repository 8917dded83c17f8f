/** Request and response schemas for the social graph and community content. */
import { z } from '@hono/zod-openapi';
import { reportTargets } from '../db/schema/social';
import { Id, Timestamp } from './common';

/** An http(s) URL: anything else (javascript:, data:) would be rendered by clients as a link. */
export const WebUrl = z
  .string()
  .max(2048)
  .url()
  .regex(/^https?:\/\//, 'an http(s) URL')
  .openapi({ example: 'https://cdn.example.com/p/1.jpg' });

/** An image or video by URL, on posts and products alike. */
export const Media = z
  .object({
    url: WebUrl,
    type: z.enum(['image', 'video']),
  })
  .strict()
  .openapi('Media');

/** The picture a list shows for a product: its first image (a clip may come first in its media). */
export function firstImage(media: readonly { url: string; type: string }[]): string | null {
  return media.find((m) => m.type === 'image')?.url ?? null;
}

export const LiveNow = z
  .object({ id: z.string().openapi({ example: 'liv_01jd3v8m2k9q4x7n5b6c8d0e1f' }), title: z.string() })
  .openapi('LiveNow');

export const Profile = z
  .object({
    id: Id('user'),
    displayName: z.string().openapi({ example: 'Ada' }),
    role: z.enum(['shopper', 'creator', 'admin']),
    followerCount: z.number().int(),
    followingCount: z.number().int(),
    postCount: z.number().int(),
    // Not LiveNow.nullable(): the OpenAPI generator drops its null (see NullableMoney in orders.ts).
    liveNow: z.union([LiveNow, z.null()]).openapi({ description: 'The live session this user is hosting now, if any' }),
    following: z.boolean().nullable().openapi({ description: 'Whether you follow them; null when signed out' }),
    createdAt: Timestamp,
  })
  .openapi('Profile');

export const FollowState = z
  .object({ userId: Id('user'), following: z.boolean(), followerCount: z.number().int() })
  .openapi('FollowState');

export const PostCreate = z
  .object({
    text: z.string().trim().min(1).max(2000).openapi({ example: 'My favourite sneakers this season' }),
    media: z.array(Media).max(10).default([]),
    productIds: z
      .array(Id('product'))
      .max(10)
      .default([])
      .refine((ids) => new Set(ids).size === ids.length, 'product ids must be distinct'),
  })
  .strict()
  .openapi('PostCreate');

export const Post = z
  .object({
    id: Id('post'),
    authorId: Id('user'),
    text: z.string(),
    media: z.array(Media),
    productIds: z.array(Id('product')),
    likes: z.number().int(),
    comments: z.number().int(),
    likedByMe: z.boolean().nullable().openapi({ description: 'null when signed out' }),
    createdAt: Timestamp,
  })
  .openapi('Post');

export const LikeState = z
  .object({ postId: Id('post'), liked: z.boolean(), likes: z.number().int() })
  .openapi('LikeState');

export const CommentCreate = z
  .object({ text: z.string().trim().min(1).max(1000).openapi({ example: 'Where do they ship from?' }) })
  .strict()
  .openapi('CommentCreate');

export const Comment = z
  .object({ id: Id('comment'), postId: Id('post'), authorId: Id('user'), text: z.string(), createdAt: Timestamp })
  .openapi('Comment');

export const ReviewCreate = z
  .object({
    rating: z.number().int().min(1).max(5).openapi({ example: 5 }),
    text: z.string().trim().min(1).max(2000).optional().openapi({ example: 'Fits true to size' }),
  })
  .strict()
  .openapi('ReviewCreate');

export const Review = z
  .object({
    id: Id('review'),
    productId: Id('product'),
    authorId: Id('user'),
    rating: z.number().int().min(1).max(5),
    text: z.string().nullable(),
    verifiedPurchase: z.boolean().openapi({ description: 'Set by the server from the author’s paid orders' }),
    createdAt: Timestamp,
  })
  .openapi('Review');

export const ReportTarget = z.enum(reportTargets).openapi({ example: 'comment' });

export const ReportCreate = z
  .object({
    targetType: ReportTarget,
    targetId: z.string().min(1).max(40).openapi({ example: 'cmt_01jd3v8m2k9q4x7n5b6c8d0e1f' }),
    reason: z.string().trim().min(1).max(500).openapi({ example: 'spam' }),
  })
  .strict()
  .openapi('ReportCreate');

export const Report = z
  .object({
    id: Id('report'),
    reporterId: Id('user'),
    targetType: ReportTarget,
    targetId: z.string(),
    reason: z.string(),
    createdAt: Timestamp,
  })
  .openapi('Report');

export const HideBody = z
  .object({ targetType: ReportTarget, targetId: z.string().min(1).max(40) })
  .strict()
  .openapi('HideBody');

export const Hidden = z
  .object({ targetType: ReportTarget, targetId: z.string(), hidden: z.boolean() })
  .openapi('Hidden');
