/** Request and response schemas for shares, shoppable videos, social proof, feed, related and segments. */
import { z } from '@hono/zod-openapi';
import { shareTargets, videoEventTypes } from '../db/schema/discovery';
import { Money } from '../lib/money';
import { PageQuery } from '../lib/pagination';
import { Id, QueryNumber, Timestamp } from './common';
import { Post, WebUrl } from './social';

export const ShareTarget = z.enum(shareTargets).openapi({ example: 'product' });

export const ShareCreate = z
  .object({
    targetType: ShareTarget,
    targetId: z.string().min(1).max(40).openapi({ example: 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f' }),
    channel: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'a short lower-case channel name')
      .openapi({ example: 'whatsapp' }),
  })
  .strict()
  .openapi('ShareCreate');

export const Share = z
  .object({
    id: Id('share'),
    code: z.string().openapi({ example: 'k3J9xQ2a' }),
    url: z.string().url().openapi({ example: 'https://api.showroom.dev/s/k3J9xQ2a' }),
    targetType: ShareTarget,
    targetId: z.string(),
    channel: z.string(),
    createdAt: Timestamp,
  })
  .openapi('Share');

export const ShareStats = Share.extend({
  sharerId: Id('user'),
  creatorId: Id('user'),
  clicks: z.number().int(),
  orders: z.number().int().openapi({ description: 'Paid orders that carried this share code' }),
  revenue: z.array(Money).openapi({ description: 'Attributed order totals, one entry per currency' }),
}).openapi('ShareStats');

export const ShareCodeParams = z.object({
  code: z
    .string()
    .regex(/^[0-9A-Za-z]{6,16}$/)
    .openapi({ param: { name: 'code', in: 'path' }, example: 'k3J9xQ2a' }),
});

export const MySharesQuery = PageQuery.extend({
  as: z
    .enum(['sharer', 'creator'])
    .default('sharer')
    .openapi({ description: 'Shares you made, or shares of your content' }),
});

export const VideoProductTag = z
  .object({
    productId: Id('product'),
    startMs: z.number().int().min(0).max(86_400_000).openapi({ example: 12_000 }),
    endMs: z.number().int().min(1).max(86_400_000).openapi({ example: 45_000 }),
  })
  .strict()
  .refine((t) => t.endMs > t.startMs, { message: 'endMs must be after startMs', path: ['endMs'] });

export const VideoCreate = z
  .object({
    title: z.string().trim().min(1).max(200).openapi({ example: 'Autumn lookbook' }),
    url: WebUrl,
    productTags: z.array(VideoProductTag).max(50).default([]),
  })
  .strict()
  .openapi('VideoCreate');

export const Video = z
  .object({
    id: Id('video'),
    creatorId: Id('user'),
    title: z.string(),
    url: z.string(),
    productTags: z.array(z.object({ productId: Id('product'), startMs: z.number().int(), endMs: z.number().int() })),
    views: z.number().int(),
    createdAt: Timestamp,
  })
  .openapi('Video');

export const VideoEvent = z
  .object({
    type: z.enum(videoEventTypes),
    positionMs: z.number().int().min(0).max(86_400_000).optional(),
    productId: Id('product').optional(),
  })
  .strict()
  .refine((e) => e.type !== 'product_tap' || e.productId, {
    message: 'product_tap needs productId',
    path: ['productId'],
  });

export const VideoEventsBody = z
  .object({ events: z.array(VideoEvent).min(1).max(50) })
  .strict()
  .openapi('VideoEventsBody');

export const VideoProductsAt = z
  .object({
    atMs: z.number().int(),
    data: z.array(
      z.object({
        productId: Id('product'),
        startMs: z.number().int(),
        endMs: z.number().int(),
        title: z.string(),
        price: Money,
        inStock: z.boolean(),
        image: z.string().nullable(),
      }),
    ),
  })
  .openapi('VideoProductsAt');

export const AtQuery = z
  .object({ atMs: QueryNumber(z.number().int().min(0).max(86_400_000)).openapi({ example: 15_000 }) })
  .strict();

export const SocialProof = z
  .object({
    purchasesLastHour: z.number().int().nullable().openapi({ description: 'Paid orders in the last hour' }),
    viewersNow: z.number().int().nullable().openapi({ description: 'People watching live now' }),
    likes: z.number().int().nullable(),
    rating: z
      .number()
      .nullable()
      .openapi({ description: 'Mean of visible reviews, one decimal; null without reviews' }),
    reviewCount: z.number().int().nullable(),
    followedBuyers: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'People you follow who bought it; null when signed out or not computed' }),
    asOf: Timestamp.openapi({ description: 'When these figures were computed' }),
  })
  .openapi('SocialProof', {
    description:
      'Counted from real events only, never rounded up or padded. null means the figure does not apply to ' +
      'this kind of item (or, for followedBuyers, that nobody is signed in); 0 means it applies and is zero.',
  });

export const ProductSummary = z
  .object({
    id: Id('product'),
    title: z.string(),
    creatorId: Id('user'),
    categoryId: z.string().nullable(),
    price: Money.openapi({ description: 'The lowest variant price, in the product’s currency' }),
    priceDisplay: z.string().openapi({ example: '$19.99', description: 'Formatted for Accept-Language' }),
    inStock: z.boolean(),
    image: z.string().nullable(),
  })
  .openapi('ProductSummary');

export const LiveItem = z
  .object({
    id: z.string(),
    creatorId: Id('user'),
    title: z.string(),
    status: z.enum(['live', 'scheduled']),
    scheduledAt: Timestamp.nullable(),
    startedAt: Timestamp.nullable(),
  })
  .openapi('LiveItem');

export const VideoItem = z
  .object({ id: Id('video'), creatorId: Id('user'), title: z.string(), url: z.string(), views: z.number().int() })
  .openapi('VideoItem');

export const FeedReason = z.enum(['live_now', 'following', 'interest', 'trending']);

const feedBase = { reason: FeedReason, socialProof: SocialProof };

export const FeedItem = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('post'), id: Id('post'), post: Post, ...feedBase }),
    z.object({ type: z.literal('product'), id: Id('product'), product: ProductSummary, ...feedBase }),
    z.object({ type: z.literal('video'), id: Id('video'), video: VideoItem, ...feedBase }),
    z.object({ type: z.literal('live'), id: z.string(), live: LiveItem, ...feedBase }),
  ])
  .openapi('FeedItem');

export const RelatedItem = z
  .object({
    product: ProductSummary,
    reason: z.enum(['bought_together', 'same_category']),
    socialProof: SocialProof,
  })
  .openapi('RelatedItem');

export const SegmentRule = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('new'), withinDays: z.number().int().min(1).max(3650) }).strict(),
    z.object({ kind: z.literal('repeat_buyer'), minOrders: z.number().int().min(2).max(10_000) }).strict(),
    z.object({ kind: z.literal('big_spender'), minSpend: Money }).strict(),
    z.object({ kind: z.literal('lapsed'), inactiveDays: z.number().int().min(1).max(3650) }).strict(),
  ])
  .openapi('SegmentRule', {
    description:
      'new: signed up within N days · repeat_buyer: at least N paid orders · big_spender: paid at least ' +
      'this much in that currency · lapsed: has bought, but not in the last N days',
  });

export const SegmentCreate = z
  .object({
    key: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a lower-case slug')
      .openapi({ example: 'lapsed-big-spenders' }),
    name: z.string().trim().min(1).max(120).openapi({ example: 'Lapsed big spenders' }),
    rules: z
      .array(SegmentRule)
      .min(1)
      .max(10)
      .openapi({
        description: 'Every rule must hold',
        example: [
          { kind: 'big_spender', minSpend: { amount: 50000, currency: 'USD' } },
          { kind: 'lapsed', inactiveDays: 60 },
        ],
      }),
  })
  .strict()
  .openapi('SegmentCreate');

export const Segment = z
  .object({
    id: Id('segment'),
    key: z.string(),
    name: z.string(),
    rules: z.array(SegmentRule),
    memberCount: z.number().int().nullable().openapi({ description: 'Evaluated now; null in lists' }),
    createdAt: Timestamp,
  })
  .openapi('Segment');

export const SegmentMember = z
  .object({ id: Id('user'), displayName: z.string(), createdAt: Timestamp })
  .openapi('SegmentMember');

export const Membership = z
  .object({ segmentId: Id('segment'), userId: Id('user'), member: z.boolean() })
  .openapi('Membership');
