/** Payment attempts for orders: choosing the provider and creating (or reusing) a payment intent. */
import { and, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { type OrderRow, orderItems, type PaymentRow, payments, products, users } from '../../db/schema';
import { ApiError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { isErased } from '../privacy/account';
import { type DeliverWebhook, type PaymentProvider, type PaymentSecrets, providerName } from './provider';
import { stripeProvider } from './stripe';
import { testProvider } from './test-provider';

/** The configured provider (PAYMENT_PROVIDER), used for new payments and incoming webhooks. */
export function paymentProvider(env: Env & PaymentSecrets, deliver?: DeliverWebhook): PaymentProvider {
  return providerFor(env, providerName(env), deliver);
}

/** The provider that took an existing payment (it may predate a configuration change). */
export function providerFor(env: Env & PaymentSecrets, name: string, deliver?: DeliverWebhook): PaymentProvider {
  return name === 'stripe' ? stripeProvider(env) : testProvider(env, deliver);
}

/** Marks a payment refunded (never twice); a statement, to run in the batch of the change it goes with. */
export function markPaymentRefunded(db: Db, paymentId: string) {
  return db
    .update(payments)
    .set({ status: 'refunded', updatedAt: Date.now() })
    .where(and(eq(payments.id, paymentId), ne(payments.status, 'refunded')));
}

/**
 * The order's payment that succeeded (the one it was paid with), if any; `except` leaves one payment out,
 * to ask whether another payment paid the order.
 */
export async function succeededPayment(db: Db, orderId: string, except?: string): Promise<PaymentRow | undefined> {
  return db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.orderId, orderId),
        eq(payments.status, 'succeeded'),
        except === undefined ? undefined : ne(payments.id, except),
      ),
    )
    .get();
}

/**
 * A line of the order whose product's creator erased their account (privacy/catalog.ts withdraws those products
 * from sale): an order placed before the erasure must not be paid for goods nobody will ship. Read before an
 * intent is handed out, and again when a success arrives for an intent handed out before the erasure (events.ts).
 */
export function erasedSellerLine(db: Db, orderId: string) {
  return db
    .select({ productId: orderItems.productId })
    .from(orderItems)
    .innerJoin(products, eq(products.id, orderItems.productId))
    .innerJoin(users, eq(users.id, products.creatorId))
    .where(and(eq(orderItems.orderId, orderId), isErased()))
    .limit(1);
}

/**
 * The open payment intent for an unpaid order, creating one when there is none (or the last failed).
 * @returns the payment row and whether it was created now.
 */
export async function ensurePayment(
  db: Db,
  provider: PaymentProvider,
  order: OrderRow,
): Promise<{ payment: PaymentRow; created: boolean }> {
  if (order.status !== 'pending_payment') {
    throw new ApiError('invalid_state', `An order that is ${order.status.replace('_', ' ')} cannot be paid`, {
      orderStatus: order.status,
    });
  }
  // One round trip for both reads. An open intent is not handed out again either once a seller is gone.
  const [open, unsellable] = await db.batch([
    db
      .select()
      .from(payments)
      .where(
        and(
          eq(payments.orderId, order.id),
          eq(payments.provider, provider.name),
          inArray(payments.status, ['requires_payment', 'processing']),
        ),
      )
      .orderBy(desc(payments.createdAt))
      .limit(1),
    erasedSellerLine(db, order.id),
  ]);
  if (unsellable.length > 0) {
    throw new ApiError(
      'invalid_state',
      "This order has items whose seller's account was deleted, so nobody would ship them; cancel the order",
      { orderStatus: order.status },
    );
  }
  if (open[0]) return { payment: open[0], created: false };

  const now = Date.now();
  const id = newId('payment', now);
  const intent = await provider.createIntent({
    paymentId: id,
    orderId: order.id,
    amount: order.totalAmount,
    currency: order.currency,
  });
  const payment: PaymentRow = {
    id,
    orderId: order.id,
    provider: provider.name,
    providerRef: intent.providerRef,
    amount: order.totalAmount,
    currency: order.currency,
    status: 'requires_payment',
    clientSecret: intent.clientSecret,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(payments).values(payment);
  return { payment, created: true };
}

export function toPaymentIntent(payment: PaymentRow) {
  return {
    id: payment.providerRef,
    provider: payment.provider as 'test' | 'stripe',
    orderId: payment.orderId,
    clientSecret: payment.clientSecret,
    status: payment.status,
    amount: { amount: payment.amount, currency: payment.currency },
  };
}
