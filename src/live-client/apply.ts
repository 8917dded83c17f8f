/**
 * Applying live-session events to a snapshot: pure state updates shared by every client (the live client,
 * tests, the failover check). Returns a new state; the input is never modified.
 */
import type { HistoryEvent, SessionState } from '../../durable-objects/live-session.protocol';

const MAX_CHAT = 50;

function mapProduct(state: SessionState, productId: string, fn: (p: SessionState['products'][number]) => void) {
  return {
    ...state,
    products: state.products.map((p) => {
      if (p.productId !== productId) return p;
      const copy = { ...p, variants: p.variants.map((v) => ({ ...v })) };
      fn(copy);
      return copy;
    }),
  };
}

export function applyEvent(state: SessionState, event: HistoryEvent): SessionState {
  switch (event.type) {
    case 'started':
      return { ...state, status: 'live', startedAt: event.startedAt };
    case 'ended':
      return { ...state, status: 'ended', endedAt: event.endedAt, summary: event.summary };
    case 'price':
      return mapProduct(state, event.productId, (p) => {
        for (const v of p.variants) if (v.id === event.variantId) v.price = event.price;
      });
    case 'stock':
      return mapProduct(state, event.productId, (p) => {
        for (const v of p.variants) {
          if (v.id === event.variantId)
            Object.assign(v, { available: event.available, held: event.held, sold: event.sold });
        }
      });
    case 'pin':
      return mapProduct(state, event.productId, (p) => {
        p.pinned = event.pinned;
      });
    case 'flash_sale':
      return mapProduct(state, event.productId, (p) => {
        p.flashSale = event.state === 'started' ? { price: event.price, endsAt: event.endsAt } : null;
      });
    case 'chat':
      return { ...state, chat: [...state.chat, event.message].slice(-MAX_CHAT) };
    case 'chat_removed':
      return { ...state, chat: state.chat.filter((m) => m.id !== event.messageId) };
  }
}

/** Events that belong to the history (have a seq); everything else is ephemeral. */
export function isHistoryEvent(message: { type: string }): message is HistoryEvent {
  return ['started', 'price', 'stock', 'pin', 'flash_sale', 'chat', 'chat_removed', 'ended'].includes(message.type);
}
