/**
 * Inputs of the object's RPC methods, validated at the boundary: the Worker already validated the HTTP
 * request, but the object trusts nothing it did not check itself (other callers: the orders service,
 * domain-event subscribers, privacy jobs).
 */
import { z } from 'zod';
import { idPattern } from '../../src/lib/ids';
import { LiveError } from './errors';

const userId = z.string().regex(idPattern('user'));
const productId = z.string().regex(idPattern('product'));
const variantId = z.string().regex(idPattern('variant'));
const holdId = z.string().regex(idPattern('hold'));
const money = z.object({ amount: z.number().int().min(0).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/) });

/** Who asks for a host action; the object checks it against the session's creator (admins pass). */
export const Actor = z.object({ userId, role: z.enum(['shopper', 'creator', 'admin']) });

export const SessionIdInput = z.string().regex(idPattern('liveSession'));

export const HoldInput = z.object({
  userId,
  productId,
  variantId: variantId.optional(),
  quantity: z.number().int().min(1).max(10),
});

export const ReleaseHoldInput = z.object({ holdId, userId });

const orderId = z.string().regex(idPattern('order'));

export const ConvertHoldInput = z.object({ holdId, userId, orderId });

/** The hold the order came from, if it did; otherwise the order named the show (see SaleAttributedInput). */
export const SaleReversedInput = z.object({ holdId: holdId.optional(), orderId });

export const SaleAttributedInput = z.object({
  orderId,
  /** When the order was placed (ms): one placed before the show started is not its sale. */
  placedAt: z.number().int().min(0),
  lines: z
    .array(
      z.object({
        productId,
        variantId,
        quantity: z.number().int().min(1).max(1_000_000),
        unitPrice: money.shape.amount,
        currency: money.shape.currency,
      }),
    )
    .max(500),
});

export const ProductUpdateInput = z.object({
  actor: Actor,
  productId,
  variantId: variantId.optional(),
  price: money.optional(),
  stock: z.number().int().min(0).max(1_000_000).optional(),
  pinned: z.boolean().optional(),
});

export const FlashSaleInput = z.object({ actor: Actor, productId, price: money, endsAt: z.number().int() });

export const TicketInput = z.object({ userId, displayName: z.string().max(100), host: z.boolean() });

export const ProductIdsInput = z.array(productId).max(500);

export const UserIdInput = userId;

export const ReplayInput = z.object({ afterSeq: z.number().int().min(0), limit: z.number().int().min(1).max(1000) });

/** Parses an RPC input or fails with a typed validation error. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new LiveError('validation_failed', `${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  return result.data;
}
