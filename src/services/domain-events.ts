/**
 * The one place domain events are emitted. Subscribers run before the write's response is sent, so
 * whatever they keep in step (cached cards, live viewers) is correct when the caller sees success.
 * Later issues (webhooks, analytics, offline delta sync) subscribe here rather than in each service.
 */
import { log } from '../lib/logger';

export type DomainEvent =
  | { type: 'user.registered'; userId: string }
  | { type: 'user.erased'; userId: string }
  /** The display name changed (it is shown on product cards as the creator summary). */
  | { type: 'user.renamed'; userId: string }
  | { type: 'product.created'; productId: string; creatorId: string }
  | {
      type: 'product.deleted';
      productId: string;
      creatorId: string;
      /** The sessions (not ended) that showed it, read before the delete took their link rows with it. */
      liveSessionIds: string[];
    }
  | {
      type: 'product.updated';
      productId: string;
      creatorId: string;
      /** Set when a live session changed the price and already told its own viewers. */
      liveSessionId?: string;
    }
  /** Units on hand or reserved changed for these products (any path: orders, holds, host edits). */
  | {
      type: 'stock.changed';
      productIds: string[];
      reason: string;
      /** Set when a live session made the change and already told its own viewers. */
      liveSessionId?: string;
    }
  | {
      type: 'order.created' | 'order.paid' | 'order.cancelled' | 'order.refunded';
      orderId: string;
      userId: string | null;
      /** The live session the order is attributed to: its show counts the shown lines as sold while the order stands. */
      liveSessionId?: string;
      /** Set when the order was placed from a live-session hold (the show counts the hold's units). */
      fromHold?: { holdId: string; sessionId: string };
    }
  /** A product's social aggregates (rating, review count, likes) changed: cached cards should refresh. */
  | { type: 'product.stats_changed'; productIds: string[] };

export interface EventContext {
  env: Env;
  requestId?: string;
  /** Work that may finish after the response (never correctness-critical). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

type Subscriber = (event: DomainEvent, ctx: EventContext) => Promise<void> | void;

const subscribers: Subscriber[] = [];

/** Registers a subscriber at module load (see src/services/subscribers.ts). */
export function subscribe(subscriber: Subscriber): void {
  subscribers.push(subscriber);
}

/**
 * Runs every subscriber and waits for them. Events are emitted after their write committed, so a subscriber
 * that fails is logged and never fails the request: answering 500 for an order that was placed would have the
 * client retry it, and with its Idempotency-Key freed by the 5xx the retry placed a second order. What a
 * failed subscriber keeps in step catches up on its own: cached cards expire (KV TTL 60 s), live sessions
 * resync from D1 (cron), missed purchase records are written by the cron.
 */
export async function emitDomainEvent(event: DomainEvent, ctx: EventContext): Promise<void> {
  log('info', 'domain_event', { requestId: ctx.requestId, event });
  const results = await Promise.allSettled(subscribers.map(async (subscriber) => subscriber(event, ctx)));
  for (const result of results) {
    if (result.status === 'rejected') {
      log('error', 'domain_event_subscriber_failed', {
        requestId: ctx.requestId,
        type: event.type,
        error:
          result.reason instanceof Error ? `${result.reason.name}: ${result.reason.message}` : String(result.reason),
      });
    }
  }
}
