/**
 * Price or stock changed somewhere (an order, a cancellation, a payment, a catalog edit): the live sessions
 * that show those products re-read D1 and tell their viewers. One indexed query when no session shows them.
 * The session that made the change itself (`liveSessionId`) already told its viewers and is skipped.
 * A deleted product is re-read like any change: its sessions find no variants left and take it off the show.
 * An order attributed to a show (from one of its holds, or naming it) is the show's sale while it stands.
 */
import { and, eq, ne } from 'drizzle-orm';
import { inList } from '../db/bounded';
import { createDb, type Db } from '../db/client';
import { liveSessionProducts, liveSessions, orders } from '../db/schema';
import { log } from '../lib/logger';
import type { DomainEvent, EventContext } from './domain-events';
import { requestResync } from './live-resync';
import { liveStub } from './live-sessions';
import { showSaleLines } from './orders';

/** The products whose price or stock an event may have changed. */
function changedProducts(event: DomainEvent): string[] {
  if (event.type === 'stock.changed') return event.productIds;
  // A catalog edit may change a variant's price without touching stock; a deleted product leaves the show.
  if (event.type === 'product.updated' || event.type === 'product.deleted') return [event.productId];
  return [];
}

/** Sessions not yet ended that show any of `productIds` (a query builder, so it can run inside a batch). */
export function sessionsShowing(db: Db, productIds: string[]) {
  return db
    .selectDistinct({ sessionId: liveSessionProducts.sessionId })
    .from(liveSessionProducts)
    .innerJoin(liveSessions, eq(liveSessions.id, liveSessionProducts.sessionId))
    .where(and(inList(liveSessionProducts.productId, productIds), ne(liveSessions.status, 'ended')));
}

/**
 * The order as a show is told of it: when it was placed (the show counts it only if that was after its start)
 * and the lines it may count as its sales (the session object keeps those of products it shows).
 */
async function placedOrder(db: Db, orderId: string) {
  const rows = await showSaleLines(db, eq(orders.id, orderId));
  const lines = rows.map(({ productId, variantId, quantity, unitPrice, currency }) => ({
    productId,
    variantId,
    quantity,
    unitPrice,
    currency,
  }));
  return { orderId, placedAt: rows[0]?.placedAt ?? 0, lines };
}

/**
 * Keeps a show's `sold` and summary in step with the orders attributed to it. An order from a hold was
 * counted when the hold converted; any other order naming the show is counted here. A cancelled, expired or
 * refunded one is taken out again.
 */
async function followSale(event: DomainEvent, ctx: EventContext) {
  if (event.type !== 'order.created' && event.type !== 'order.cancelled' && event.type !== 'order.refunded') return;
  const sessionId = event.fromHold?.sessionId ?? event.liveSessionId;
  // A hold's units were counted when it converted, in the same call that made the order.
  if (!sessionId || (event.type === 'order.created' && event.fromHold)) return;
  try {
    const stub = liveStub(ctx.env, sessionId);
    const result =
      event.type === 'order.created'
        ? await stub.saleAttributed(await placedOrder(createDb(ctx.env.DB), event.orderId))
        : await stub.saleReversed({ holdId: event.fromHold?.holdId, orderId: event.orderId });
    if (!result.ok) log('warn', 'live_sale_sync_failed', { requestId: ctx.requestId, sessionId, ...result.error });
  } catch (error) {
    // The order, cancel or refund itself stands; the show's figures lag until the cron resyncs it.
    log('error', 'live_sale_sync_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
    await requestResync(ctx, sessionId);
  }
}

export async function notifyLiveSessions(event: DomainEvent, ctx: EventContext) {
  await followSale(event, ctx);
  const productIds = changedProducts(event);
  if (productIds.length === 0) return;
  const from = 'liveSessionId' in event ? event.liveSessionId : undefined;
  const sessionIds =
    event.type === 'product.deleted'
      ? event.liveSessionIds
      : (await sessionsShowing(createDb(ctx.env.DB), productIds)).map((row) => row.sessionId);
  await Promise.all(
    sessionIds
      .filter((sessionId) => sessionId !== from)
      .map(async (sessionId) => {
        try {
          const result = await liveStub(ctx.env, sessionId).notifyStockChanged(productIds);
          if (!result.ok) log('warn', 'live_notify_failed', { requestId: ctx.requestId, sessionId, ...result.error });
        } catch (error) {
          // The change itself stands; viewers catch up when the cron resyncs the session.
          log('error', 'live_notify_failed', { requestId: ctx.requestId, sessionId, error: String(error) });
          await requestResync(ctx, sessionId);
        }
      }),
  );
}
