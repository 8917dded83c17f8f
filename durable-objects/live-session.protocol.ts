/**
 * The live-session wire protocol: JSON text frames over one WebSocket, shared by the Durable Object,
 * the TypeScript client (`src/client/live-client.ts`, type-only import) and the README.
 *
 * History events (`started`, `price`, `stock`, `pin`, `flash_sale`, `chat`, `chat_removed`, `ended`) carry
 * `epoch` and `seq`: seq grows by exactly 1 per event and each is stored in the session's log before it is
 * sent, so a client that saw seq N can ask for everything after N. Ephemeral messages (`viewers`,
 * `reaction`, `going_away`, `error`, `pong`) carry no seq and are never replayed.
 * Times: `at` is milliseconds since the epoch; timestamps inside `session` are RFC 3339 strings.
 */
import { z } from 'zod';
import { idFormat, idPattern } from '../src/lib/ids';

const MoneyWire = z.object({ amount: z.number().int(), currency: z.string() });

export const VariantState = z.object({
  id: z.string(),
  options: z.record(z.string(), z.string()),
  price: MoneyWire,
  /** Units anyone can buy now (on hand, less everything reserved by holds and unpaid orders). */
  available: z.number().int(),
  /** Units held by this session's active claims. */
  held: z.number().int(),
  /** Units sold through this session (claims turned into orders, shown lines of orders naming it) while the orders stand. */
  sold: z.number().int(),
});

export const FlashSaleState = z.object({ price: MoneyWire, endsAt: z.string() });

export const ProductState = z.object({
  productId: z.string(),
  title: z.string(),
  position: z.number().int(),
  pinned: z.boolean(),
  flashSale: FlashSaleState.nullable(),
  variants: z.array(VariantState),
});

export const ChatMessage = z.object({
  id: z.string(),
  /** Null once the author's account was erased. */
  userId: z.string().nullable(),
  displayName: z.string(),
  /**
   * Empty once the host removed the message, or its author's account was erased (a `chat_removed` event
   * follows in the log; after an erasure, only while the show runs).
   */
  text: z.string(),
  at: z.number().int(),
});

export const LiveSummaryWire = z.object({
  peakViewers: z.number().int(),
  unitsSold: z.number().int(),
  revenue: MoneyWire,
});

export const SessionState = z.object({
  id: z.string(),
  creatorId: z.string(),
  title: z.string(),
  status: z.enum(['scheduled', 'live', 'ended']),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  viewers: z.number().int(),
  products: z.array(ProductState),
  /** The latest chat messages, oldest first. */
  chat: z.array(ChatMessage),
  summary: LiveSummaryWire.nullable(),
});

const history = { epoch: z.number().int(), seq: z.number().int(), at: z.number().int() };

/** Events that are part of the session's history (stored with a seq, replayed on resume). */
export const HistoryEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), ...history, startedAt: z.string() }),
  z.object({ type: z.literal('price'), ...history, productId: z.string(), variantId: z.string(), price: MoneyWire }),
  z.object({
    type: z.literal('stock'),
    ...history,
    productId: z.string(),
    variantId: z.string(),
    available: z.number().int(),
    held: z.number().int(),
    sold: z.number().int(),
  }),
  z.object({ type: z.literal('pin'), ...history, productId: z.string(), pinned: z.boolean() }),
  z.object({
    type: z.literal('flash_sale'),
    ...history,
    productId: z.string(),
    state: z.enum(['started', 'ended']),
    price: MoneyWire,
    endsAt: z.string(),
  }),
  z.object({ type: z.literal('chat'), ...history, message: ChatMessage }),
  z.object({ type: z.literal('chat_removed'), ...history, messageId: z.string() }),
  z.object({ type: z.literal('ended'), ...history, endedAt: z.string(), summary: LiveSummaryWire }),
]);

/** Every frame the server sends. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    epoch: z.number().int(),
    seq: z.number().int(),
    session: SessionState,
    /** Who this socket is: null for anonymous viewers. */
    you: z.object({ userId: z.string().nullable(), host: z.boolean() }),
  }),
  ...HistoryEvent.options,
  z.object({ type: z.literal('viewers'), count: z.number().int() }),
  /** Reactions since the last frame of this type, counted per emoji. */
  z.object({ type: z.literal('reaction'), counts: z.record(z.string(), z.number().int()) }),
  z.object({ type: z.literal('going_away'), retryInMs: z.number().int() }),
  z.object({ type: z.literal('pong') }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);

export const MAX_CHAT_LENGTH = 500;
/** Frames larger than this are rejected with an error frame, unparsed. */
export const MAX_FRAME_BYTES = 4096;

/**
 * One emoji: a keycap, a flag (two regional indicators), or pictographs joined by ZWJ, each with an optional
 * skin tone or VS16, and tags (subdivision flags). Any run of Emoji_Component alone is not one: digits, `#`,
 * `*` and invisible joiners are components too, and would reach every viewer's reaction counts.
 */
const PICTOGRAPH = String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\ufe0f)?`;
const ONE_EMOJI = new RegExp(
  String.raw`^(?:[0-9#*]\ufe0f?\u20e3|\p{Regional_Indicator}{2}|${PICTOGRAPH}(?:\u200d${PICTOGRAPH})*(?:[\u{e0020}-\u{e007e}]+\u{e007f})?)$`,
  'u',
);

/** A user's id as the API writes it; anything else could never have chatted here. */
const UserIdWire = z.string().regex(idPattern('user'), idFormat('user'));

/** Every frame a client may send. Host-only: `remove_chat`, `mute`, `unmute`. */
export const ClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), lastSeq: z.number().int().min(0), epoch: z.number().int().optional() }).strict(),
  z
    .object({
      type: z.literal('react'),
      emoji: z.string().min(1).max(16).regex(ONE_EMOJI, 'one emoji'),
    })
    .strict(),
  z.object({ type: z.literal('chat'), text: z.string().trim().min(1).max(MAX_CHAT_LENGTH) }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
  z.object({ type: z.literal('remove_chat'), messageId: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('mute'), userId: UserIdWire, minutes: z.number().int().min(1).max(1440) }).strict(),
  z.object({ type: z.literal('unmute'), userId: UserIdWire }).strict(),
]);

export type ServerMessage = z.infer<typeof ServerMessage>;
export type ClientMessage = z.infer<typeof ClientMessage>;
export type HistoryEvent = z.infer<typeof HistoryEvent>;
export type SessionState = z.infer<typeof SessionState>;
export type ProductState = z.infer<typeof ProductState>;
export type VariantState = z.infer<typeof VariantState>;
export type ChatMessage = z.infer<typeof ChatMessage>;
export type LiveSummaryWire = z.infer<typeof LiveSummaryWire>;

/** A history event before the log gives it its place (`epoch`, `seq`, `at`). */
export type EventBody = HistoryEvent extends infer E
  ? E extends HistoryEvent
    ? Omit<E, 'epoch' | 'seq' | 'at'>
    : never
  : never;

/** The exact ping frame; the object answers it without waking (setWebSocketAutoResponse). */
export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';

export { ACCOUNT_ERASED_CLOSE, HEARTBEAT_TIMEOUT_CLOSE } from './live-session.close-codes';
