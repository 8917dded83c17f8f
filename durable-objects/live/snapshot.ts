/** The session as a snapshot: what a viewer gets first, and `GET /v1/live-sessions/{id}`. */
import type { SessionState, VariantState } from '../live-session.protocol';
import type { SessionCore } from './core';
import { viewerCount } from './sockets';
import type { VariantRow } from './store';

const CHAT_IN_SNAPSHOT = 50;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A variant as viewers last saw it. */
function variantState(core: SessionCore, v: VariantRow): VariantState {
  return {
    id: v.id,
    options: JSON.parse(v.options),
    price: { amount: v.price, currency: core.current().currency },
    available: v.on_hand - v.reserved,
    held: v.held,
    sold: v.sold,
  };
}

export function buildSnapshot(core: SessionCore): SessionState {
  const s = core.current();
  const currency = s.currency;
  return {
    id: s.id,
    creatorId: s.creator_id,
    title: s.title,
    status: s.status,
    scheduledAt: iso(s.scheduled_at),
    startedAt: iso(s.started_at),
    endedAt: iso(s.ended_at),
    viewers: viewerCount(core),
    products: core.store.products().map((p) => {
      const sale = core.store.flashSale(p.product_id);
      return {
        productId: p.product_id,
        title: p.title,
        position: p.position,
        pinned: p.pinned === 1,
        flashSale: sale ? { price: { amount: sale.price, currency }, endsAt: iso(sale.ends_at)! } : null,
        variants: core.store.variants(p.product_id).map((v) => variantState(core, v)),
      };
    }),
    chat: core.store
      .all<{ data: string }>(
        'select data from events where type = ? order by seq desc limit ?',
        'chat',
        CHAT_IN_SNAPSHOT,
      )
      .map((row) => JSON.parse(row.data).message)
      .filter((m) => m.text !== '')
      .reverse(),
    summary: core.store.summary(),
  };
}

/** A page of the event log after `afterSeq`, with offsets from the start of the show (for replays). */
export function replayPage(core: SessionCore, afterSeq: number, limit: number) {
  const s = core.current();
  const events = core.eventsAfter(afterSeq, limit + 1);
  const origin = s.started_at ?? events[0]?.at ?? Date.now();
  return {
    startedAt: s.started_at,
    events: events.slice(0, limit).map((e) => ({ offsetMs: Math.max(0, e.at - origin), event: e })),
    more: events.length > limit,
  };
}
