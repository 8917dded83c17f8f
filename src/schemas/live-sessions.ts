/** Request and response schemas of the live-session routes. The WebSocket frames are in durable-objects/. */
import { z } from '@hono/zod-openapi';
import { HistoryEvent, SessionState } from '../../durable-objects/live-session.protocol';
import { Money } from '../lib/money';
import { PageQuery } from '../lib/pagination';
import { Id, Timestamp } from './common';

export const LiveStatus = z.enum(['scheduled', 'live', 'ended']).openapi({ example: 'live' });

export const LiveSessionCreate = z
  .object({
    title: z.string().trim().min(1).max(140).openapi({ example: 'Friday sneaker drop' }),
    productIds: z
      .array(Id('product'))
      .min(1)
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'productIds must not repeat'),
    scheduledAt: Timestamp.optional().openapi({ description: 'When the show starts by itself (optional)' }),
  })
  .strict()
  .openapi('LiveSessionCreate');

export const LiveSummary = z
  .object({ peakViewers: z.number().int(), unitsSold: z.number().int(), revenue: Money })
  .openapi('LiveSummary');

export const LiveSession = z
  .object({
    id: Id('liveSession'),
    creatorId: Id('user'),
    title: z.string(),
    status: LiveStatus,
    scheduledAt: Timestamp.nullable(),
    startedAt: Timestamp.nullable(),
    endedAt: Timestamp.nullable(),
    productIds: z.array(Id('product')),
    // Not LiveSummary.nullable(): the OpenAPI generator drops its null (see NullableMoney in orders.ts).
    summary: z.union([LiveSummary, z.null()]).openapi({ description: 'Stored when the session ends' }),
    createdAt: Timestamp,
  })
  .openapi('LiveSession');

export const LiveSessionListQuery = PageQuery.extend({ status: LiveStatus.optional() });

export const LiveSnapshot = z
  .object({
    epoch: z.number().int().openapi({ example: 1764162000000 }),
    seq: z.number().int().openapi({ example: 42 }),
    session: SessionState,
  })
  .openapi('LiveSnapshot', { description: 'The snapshot a viewer gets first on the WebSocket (without `type`)' });

export const LiveSessionParams = z.object({
  id: Id('liveSession').openapi({ param: { name: 'id', in: 'path' } }),
});

export const LiveProductParams = LiveSessionParams.extend({
  productId: Id('product').openapi({ param: { name: 'productId', in: 'path' } }),
});

export const HoldParams = LiveSessionParams.extend({
  holdId: Id('hold').openapi({ param: { name: 'holdId', in: 'path' } }),
});

export const LiveProductPatch = z
  .object({
    variantId: Id('variant').optional().openapi({
      description: 'Which variant; without it a price applies to all variants and stock needs a one-variant product',
    }),
    price: Money.optional(),
    stock: z.number().int().min(0).max(1_000_000).optional().openapi({ description: 'Units on hand', example: 25 }),
    pinned: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.price !== undefined || b.stock !== undefined || b.pinned !== undefined, {
    message: 'Send at least one of price, stock, pinned',
  })
  .openapi('LiveProductPatch');

export const SeqResult = z.object({ seq: z.number().int().openapi({ example: 43 }) }).openapi('LiveSeq');

export const LiveEnded = z.object({ seq: z.number().int(), summary: LiveSummary }).openapi('LiveEnded');

export const FlashSaleCreate = z
  .object({ productId: Id('product'), price: Money, endsAt: Timestamp })
  .strict()
  .openapi('FlashSaleCreate');

export const FlashSale = z
  .object({ productId: Id('product'), price: Money, endsAt: Timestamp, seq: z.number().int() })
  .openapi('FlashSale');

export const HoldCreate = z
  .object({
    productId: Id('product'),
    variantId: Id('variant').optional(),
    quantity: z.number().int().min(1).max(10).default(1).openapi({ example: 1 }),
  })
  .strict()
  .openapi('HoldCreate');

export const Hold = z
  .object({
    id: Id('hold'),
    expiresAt: Timestamp,
    productId: Id('product'),
    variantId: Id('variant'),
    quantity: z.number().int(),
  })
  .openapi('Hold');

export const Ticket = z
  .object({
    ticket: z.string().openapi({ example: 'q2V0c3VwZXJzZWNyZXR0aWNrZXQxMjM0NTY3' }),
    expiresAt: Timestamp,
  })
  .openapi('LiveTicket', { description: 'Single use; connect within a minute with `?ticket=`' });

/** Strict like every list's query (PageQuery): `?type=chat` must not answer the whole, unfiltered timeline. */
export const Replay = z
  .object({
    sessionId: Id('liveSession'),
    startedAt: Timestamp.nullable(),
    data: z.array(z.object({ offsetMs: z.number().int(), event: HistoryEvent })),
    nextCursor: z.string().nullable(),
  })
  .openapi('LiveReplay');
