import type { RouteHandler } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createDb, type Db } from '../../db/client';
import type { OrderRow } from '../../db/schema';
import { assertOwner, requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { ApiError } from '../../lib/errors';
import { eventContext } from '../../lib/event-context';
import { readCartLines } from '../../services/cart';
import { cancelOrder, expireIfDue, fulfilOrder, illegal, refundOrder } from '../../services/order-actions';
import { placeOrderFromHold } from '../../services/order-from-hold';
import { priceLines } from '../../services/order-lines';
import { orderPlacedWith, type PlacedOrder } from '../../services/order-recovery';
import { findOrder, itemsOf, listOrderRows, placeOrder, toOrder } from '../../services/orders';
import {
  ensurePayment,
  markPaymentRefunded,
  paymentProvider,
  succeededPayment,
  toPaymentIntent,
} from '../../services/payments';
import { confirmTestIntent } from '../../services/payments/test-provider';
import { requestProvider, webhooksRouter } from '../webhooks';
import type { cancel, create, fulfil, getOne, list, pay, refund } from './orders.routes';

const noStore = (c: Context<AppEnv>) => c.header('Cache-Control', 'private, no-store');

/** The order if the caller may see it (buyer or admin), after expiring it if its payment window passed. */
async function visibleOrder(c: Context<AppEnv>, db: Db, id: string): Promise<OrderRow> {
  const auth = requireUser(c);
  const order = await findOrder(db, id);
  assertOwner(auth, order?.userId, 'Order');
  if (!order) throw new ApiError('not_found', 'Order not found');
  return expireIfDue(db, order, eventContext(c));
}

async function render(db: Db, order: OrderRow) {
  return toOrder(order, (await itemsOf(db, [order.id])).get(order.id) ?? []);
}

export const createHandler: RouteHandler<typeof create, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const body = c.req.valid('json');
  const db = createDb(c.env.DB);
  const idempotency = c.get('idempotency');
  // A retry whose key's record was lost must get its order, not a second one. An order of `items` learns it
  // from its own insert (the key is unique per buyer: placeOrder answers with the order that holds it), so it
  // pays no extra read; a cart or hold order asks first, since its retry would otherwise stop earlier, at an
  // empty cart (422) or a used hold (409): the first run emptied the cart and used the hold.
  const placed = body.items ? undefined : await orderPlacedWith(db, userId, idempotency);
  if (placed) return replay(c, db, placed);
  if (body.holdId) {
    const fromHold = await placeOrderFromHold(
      db,
      { userId, holdId: body.holdId, shareCode: body.shareCode, idempotency },
      eventContext(c),
    );
    if (fromHold.replayed) return replay(c, db, fromHold);
    return created(c, toOrder(fromHold.order, fromHold.items));
  }
  const cart = body.fromCart ? await readCartLines(db, userId) : undefined;
  const requested = cart?.items ?? body.items ?? [];
  if (requested.length === 0) throw new ApiError('unprocessable', 'The cart is empty');
  let priced: Awaited<ReturnType<typeof priceLines>>;
  try {
    priced = await priceLines(db, requested);
  } catch (error) {
    // The catalog may have changed since the first run (a variant added makes the line ambiguous): a retry of
    // an order of `items` must still get the order it placed, not a 422 kept as its key's answer.
    const earlier = body.items ? await orderPlacedWith(db, userId, idempotency) : undefined;
    if (!earlier) throw error;
    return replay(c, db, earlier);
  }
  const { lines, currency } = priced;
  const placedNow = await placeOrder(
    db,
    {
      userId,
      lines,
      currency,
      liveSessionId: body.liveSessionId,
      shareCode: body.shareCode,
      reserve: true,
      clearCart: cart,
      idempotency,
    },
    eventContext(c),
  );
  if (placedNow.replayed) return replay(c, db, placedNow);
  return created(c, toOrder(placedNow.order, placedNow.items));
};

/** The answer to a retry: the order its key placed earlier, as it is now (an unpaid one may have expired). */
async function replay(c: Context<AppEnv>, db: Db, placed: PlacedOrder) {
  return created(c, toOrder(await expireIfDue(db, placed.order, eventContext(c)), placed.items), true);
}

/** The 201 of a placed order; `replayed` when it answers a retry with the order its key placed earlier. */
function created(c: Context<AppEnv>, order: ReturnType<typeof toOrder>, replayed = false) {
  noStore(c);
  c.header('Location', `/v1/orders/${order.id}`);
  if (replayed) c.header('Idempotent-Replayed', 'true');
  return c.json(order, 201);
}

export const listHandler: RouteHandler<typeof list, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const { limit, cursor } = c.req.valid('query');
  const db = createDb(c.env.DB);
  const page = await listOrderRows(db, userId, limit, cursor);
  const now = Date.now();
  const rows = await Promise.all(page.data.map((o) => expireIfDue(db, o, eventContext(c), now)));
  const items = await itemsOf(
    db,
    rows.map((o) => o.id),
  );
  noStore(c);
  return c.json({ data: rows.map((o) => toOrder(o, items.get(o.id) ?? [])), nextCursor: page.nextCursor }, 200);
};

export const getOneHandler: RouteHandler<typeof getOne, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const order = await visibleOrder(c, db, c.req.valid('param').id);
  noStore(c);
  return c.json(await render(db, order), 200);
};

export const cancelHandler: RouteHandler<typeof cancel, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const order = await visibleOrder(c, db, c.req.valid('param').id);
  return c.json(await render(db, await cancelOrder(db, order, eventContext(c))), 200);
};

export const payHandler: RouteHandler<typeof pay, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const order = await visibleOrder(c, db, c.req.valid('param').id);
  // Admins see every order, but the intent's client secret (what confirms a payment) is the buyer's alone.
  if (order.userId !== requireUser(c).userId) throw new ApiError('forbidden', 'Only the order’s buyer can pay for it');
  const body = c.req.valid('json') ?? {};
  const provider = paymentProvider(c.env);
  const { payment, created } = await ensurePayment(db, provider, order);
  if (created && provider.name === 'test' && body.testOutcome !== 'none') {
    // The test provider "confirms" at once and tells us by a signed webhook, like Stripe would.
    const outcome = body.testOutcome === 'failed' ? 'failed' : 'succeeded';
    const dispatch = (request: Request) => Promise.resolve(webhooksRouter.fetch(request, c.env, c.executionCtx));
    c.executionCtx.waitUntil(confirmTestIntent(c.env, payment, outcome, body.testDelayMs ?? 0, dispatch));
  }
  noStore(c);
  return c.json(toPaymentIntent(payment), created ? 201 : 200);
};

export const fulfilHandler: RouteHandler<typeof fulfil, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const order = await visibleOrder(c, db, c.req.valid('param').id);
  return c.json(await render(db, await fulfilOrder(db, order, eventContext(c))), 200);
};

export const refundHandler: RouteHandler<typeof refund, AppEnv> = async (c) => {
  const db = createDb(c.env.DB);
  const order = await visibleOrder(c, db, c.req.valid('param').id);
  if (order.status !== 'paid' && order.status !== 'fulfilled') {
    throw illegal(order, 'refunded');
  }
  const payment = await succeededPayment(db, order.id);
  if (payment) await requestProvider(c, payment.provider).refund(payment);
  // The payment is marked refunded in the order's own batch (even if the order changed meanwhile: the money went
  // back), not only when the provider's webhook comes: a refunded order with a succeeded payment is what the
  // maintenance sweep takes for a second payment.
  const alongside = payment ? [markPaymentRefunded(db, payment.id)] : [];
  const refunded = await refundOrder(db, order, eventContext(c), { alongside });
  if (!refunded) throw new ApiError('concurrent_update', 'The order changed while refunding; try again');
  return c.json(await render(db, refunded), 200);
};
