/** Request and response schemas for shares, shoppable videos, social proof, feed, related and segments. */
import { z } from '@hono/zod-openapi';
import { shareTargets, videoEventTypes } from '../db/schema/discovery';
import { Money } from '../lib/money';
import { Id, Timestamp } from './common';
import { WebUrl } from './social';

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

export const MySharesQuery = z.object({
  as: z
    .enum(['sharer', 'creator'])
    .default('sharer')
    .openapi({ description: 'Shares you made, or shares of your content' }),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
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

export const AtQuery = z.object({
  atMs: z.coerce.number().int().min(0).max(86_400_000).openapi({ example: 15_000 }),
});
