/** Request and response schemas for carts, orders and payments. */
import { z } from '@hono/zod-openapi';
import { cancelReasons, orderStatuses, paymentStatuses } from '../db/schema/orders';
import { Money } from '../lib/money';
import { Page } from '../lib/pagination';
import { Id, Timestamp } from './common';

export const LineInput = z
  .object({
    productId: Id('product'),
    variantId: Id('variant').optional().openapi({ description: 'Required when the product has several variants' }),
    quantity: z.number().int().min(1).max(99).openapi({ example: 1 }),
  })
  .strict()
  .openapi('LineInput');

export const ShareCode = z
  .string()
  .regex(/^[A-Za-z0-9_-]{4,64}$/, '4–64 letters, digits, "_" or "-"')
  .openapi({ description: 'The share code the buyer arrived through (attribution)', example: 'k3Jd9xQa' });

export const OrderCreate = z
  .object({
    items: z.array(LineInput).min(1).max(50).optional(),
    holdId: Id('hold').optional().openapi({ description: 'Turn a live-session hold into an order' }),
    fromCart: z.literal(true).optional().openapi({ description: 'Check out the server-side cart (then emptied)' }),
    liveSessionId: Id('liveSession').optional(),
    shareCode: ShareCode.optional(),
  })
  .strict()
  .refine((b) => [b.items, b.holdId, b.fromCart].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of items, holdId or fromCart',
  })
  .openapi('OrderCreate');
export type OrderCreate = z.infer<typeof OrderCreate>;

export const OrderItem = z
  .object({
    productId: Id('product'),
    variantId: Id('variant'),
    title: z.string().openapi({ example: 'Cloud runner sneaker' }),
    options: z.record(z.string(), z.string()).openapi({ example: { size: '42' } }),
    quantity: z.number().int().openapi({ example: 1 }),
    unitPrice: Money,
    lineTotal: Money,
  })
  .openapi('OrderItem');

export const OrderStatus = z.enum(orderStatuses).openapi({ example: 'pending_payment' });

export const Order = z
  .object({
    id: Id('order'),
    status: OrderStatus,
    items: z.array(OrderItem),
    total: Money,
    liveSessionId: z.string().nullable(),
    shareCode: z.string().nullable(),
    holdId: z.string().nullable(),
    cancelReason: z.enum(cancelReasons).nullable().openapi({
      example: null,
      description:
        'Why a cancelled order was: `cancelled_by_buyer`, `expired`, `account_erased` (the buyer erased their account), or `seller_erased` (the creator of one of its products erased their account; if a payment succeeded anyway it was refunded, and the order is then `refunded`)',
    }),
    expiresAt: Timestamp.nullable().openapi({ description: 'Unpaid orders are cancelled at this time' }),
    paidAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('Order');

export const OrderPage = Page(Order, 'OrderPage');

export const PaymentCreate = z
  .object({
    testOutcome: z
      .enum(['succeeded', 'failed', 'none'])
      .optional()
      .openapi({ description: 'Test provider only: the webhook it will send (default succeeded; none = never)' }),
    testDelayMs: z.number().int().min(0).max(10_000).optional().openapi({ description: 'Test provider only' }),
  })
  .strict()
  .openapi('PaymentCreate');

export const PaymentIntent = z
  .object({
    id: z.string().openapi({ description: "The provider's payment intent id", example: 'pi_3Qx…' }),
    provider: z.enum(['test', 'stripe']),
    orderId: Id('order'),
    clientSecret: z.string().openapi({ description: 'Hand to the provider SDK on the device to confirm' }),
    status: z.enum(paymentStatuses),
    amount: Money,
  })
  .openapi('PaymentIntent');

export const WebhookAck = z.object({ received: z.literal(true), duplicate: z.boolean() }).openapi('WebhookAck');

export const CartPut = z
  .object({
    items: z
      .array(LineInput)
      .max(50)
      .superRefine((items, ctx) => {
        // One line per product and variant: two lines of one variant would each be checked against the
        // units available and each look buyable while together they are not.
        const seen = new Set<string>();
        items.forEach((item, i) => {
          const key = `${item.productId}/${item.variantId ?? ''}`;
          if (seen.has(key))
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: 'this product and variant is already in the cart; set its quantity instead',
            });
          seen.add(key);
        });
      }),
  })
  .strict()
  .openapi('CartPut');

/**
 * `Money.nullable()` of a registered schema comes out of the OpenAPI generator as Money alone (in an allOf that
 * no null satisfies), so generated clients would reject the nulls; a union with null is written as anyOf.
 */
const NullableMoney = z.union([Money, z.null()]);

export const CartLine = z
  .object({
    productId: Id('product'),
    variantId: Id('variant').nullable(),
    quantity: z.number().int(),
    title: z.string().nullable(),
    options: z.record(z.string(), z.string()).nullable(),
    unitPrice: NullableMoney.openapi({ description: 'The current price, looked up now' }),
    lineTotal: NullableMoney,
    available: z.number().int().openapi({ description: 'Units that can be bought right now' }),
    status: z.enum(['ok', 'insufficient_stock', 'out_of_stock', 'unavailable', 'choose_variant']),
  })
  .openapi('CartLine');

export const Cart = z
  .object({
    items: z.array(CartLine),
    subtotal: NullableMoney.openapi({ description: 'Sum of the lines that can be ordered; null when empty' }),
    warnings: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
    updatedAt: Timestamp.nullable(),
  })
  .openapi('Cart');
