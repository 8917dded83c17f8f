/**
 * Viewers' sockets: who a socket is (its attachment survives hibernation), what it may send, and the
 * coalescing of viewer counts and reactions so a crowd produces a few frames a second, not one per viewer.
 * One socket's bad frames, floods or slowness only ever earn that socket an error frame.
 */
import {
  ACCOUNT_ERASED_CLOSE,
  type ClientMessage,
  ClientMessage as ClientMessageSchema,
  MAX_FRAME_BYTES,
  type ServerMessage,
  type SessionState,
} from '../live-session.protocol';
import type { SessionCore } from './core';

export interface Identity {
  userId: string | null;
  displayName: string;
  host: boolean;
  /** When the client last sent a ping the runtime did not answer itself, or another frame after pinging (heartbeats.ts). */
  pingedAt?: number;
  /** When the heartbeat look closed it (heartbeats.ts): its client may never answer, and the socket outlive a wake. */
  closedAt?: number;
}

export const REACTIONS_EVERY_MS = 250;
const VIEWERS_EVERY_MS = 1000;
/** Replays longer than this many events send a snapshot instead. */
const MAX_REPLAY = 500;
const FRAMES_PER_SECOND = 20;

export function identityOf(ws: WebSocket): Identity {
  return (ws.deserializeAttachment() as Identity | null) ?? { userId: null, displayName: '', host: false };
}

export function send(ws: WebSocket, message: ServerMessage) {
  sendFrame(ws, JSON.stringify(message));
}

export function sendError(ws: WebSocket, code: string, message: string) {
  send(ws, { type: 'error', code, message });
}

/** Anonymous viewers' snapshot frame per snapshot state (core caches one state per seq for a second). */
const anonymousFrames = new WeakMap<SessionState, string>();

/**
 * The snapshot frame for this socket. Anonymous viewers, most of a crowd, share one serialized frame: a
 * thousand joining at once cost one JSON.stringify, not a thousand (and no garbage per join).
 */
export function snapshotFrame(core: SessionCore, ws: WebSocket): string {
  const s = core.current();
  const who = identityOf(ws);
  const session = core.snapshotState();
  const frame = () =>
    JSON.stringify({
      type: 'snapshot',
      epoch: s.epoch,
      seq: s.seq,
      session,
      you: { userId: who.userId, host: who.host },
    } satisfies ServerMessage);
  if (who.userId !== null || who.host) return frame();
  let shared = anonymousFrames.get(session);
  if (shared === undefined) {
    shared = frame();
    anonymousFrames.set(session, shared);
  }
  return shared;
}

/** Sends one frame; a socket that is already closing is left to its close handler. */
export function sendFrame(ws: WebSocket, frame: string) {
  try {
    ws.send(frame);
  } catch {}
}

/** Sends what a client missed after `lastSeq`: the events from the log, or a snapshot when that is shorter. */
export function resume(core: SessionCore, ws: WebSocket, lastSeq: number, epoch?: number) {
  const s = core.current();
  const sameHistory = (epoch === undefined || epoch === s.epoch) && lastSeq <= s.seq;
  const missed = s.seq - lastSeq;
  if (sameHistory && missed === 0) return;
  if (sameHistory && missed <= MAX_REPLAY) {
    const frames = core.eventsAfter(lastSeq, missed).map((e) => JSON.stringify(e));
    const snapshot = snapshotFrame(core, ws);
    if (frames.reduce((bytes, f) => bytes + f.length, 0) <= snapshot.length) {
      for (const frame of frames) sendFrame(ws, frame);
      return;
    }
    sendFrame(ws, snapshot);
    return;
  }
  sendFrame(ws, snapshotFrame(core, ws));
}

/** Before a planned restart: every socket learns when to come back, then closes with 1012. */
export function goingAway(core: SessionCore, retryInMs: number) {
  const sockets = core.ctx.getWebSockets();
  for (const ws of sockets) {
    send(ws, { type: 'going_away', retryInMs });
    try {
      ws.close(1012, 'going away');
    } catch {}
  }
  return sockets.length;
}

/**
 * Erasure: the user's sockets close with ACCOUNT_ERASED_CLOSE. Who a socket is (id, name, host rights) was
 * fixed when it connected, so an open one would keep chatting, or hosting, for the erased account. Its
 * attachment forgets the identity first, so a frame it already sent is handled as an anonymous viewer's.
 */
export function closeSocketsOf(core: SessionCore, userId: string) {
  let closed = 0;
  for (const ws of core.ctx.getWebSockets()) {
    if (identityOf(ws).userId !== userId) continue;
    ws.serializeAttachment({ userId: null, displayName: '', host: false });
    try {
      ws.close(ACCOUNT_ERASED_CLOSE, 'account erased');
    } catch {}
    closed += 1;
  }
  return closed;
}

/**
 * Viewer counts (at most one frame a second) and reactions (at most one every REACTIONS_EVERY_MS). In memory:
 * lost on hibernation, by design. A count is a broadcast to every socket, so while a crowd of thousands
 * joins, a faster rate would spend the object's time announcing the crowd rather than serving it.
 */
export class Coalescer {
  private reactions = new Map<string, number>();
  private viewersTimer: ReturnType<typeof setTimeout> | undefined;
  private reactionsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly core: SessionCore) {}

  viewersChanged() {
    this.viewersTimer ??= setTimeout(() => this.flushViewers(), VIEWERS_EVERY_MS);
  }

  react(emoji: string) {
    this.reactions.set(emoji, (this.reactions.get(emoji) ?? 0) + 1);
    this.reactionsTimer ??= setTimeout(() => this.flushReactions(), REACTIONS_EVERY_MS);
  }

  private flushViewers() {
    this.viewersTimer = undefined;
    const count = viewerCount(this.core);
    this.core.store.run('update session set peak_viewers = max(peak_viewers, ?)', count);
    this.core.broadcast({ type: 'viewers', count });
  }

  private flushReactions() {
    this.reactionsTimer = undefined;
    this.core.broadcast({ type: 'reaction', counts: Object.fromEntries(this.reactions) });
    this.reactions.clear();
  }
}

export function viewerCount(core: SessionCore) {
  return core.ctx.getWebSockets().filter((ws) => ws.readyState === WebSocket.OPEN).length;
}

/**
 * Per-socket token bucket against floods. In memory on purpose: it is lost when the object hibernates or
 * is evicted, but that only happens after the socket was idle for seconds, and a bucket idle for a second
 * is full again anyway. (The per-user chat limit must outlive that and is in storage: see chat.ts.)
 */
export class Limits {
  private buckets = new WeakMap<WebSocket, { tokens: number; at: number }>();
  private warned = new WeakMap<WebSocket, number>();

  allowFrame(ws: WebSocket, now = Date.now()) {
    const bucket = this.buckets.get(ws) ?? { tokens: FRAMES_PER_SECOND, at: now };
    bucket.tokens = Math.min(FRAMES_PER_SECOND, bucket.tokens + ((now - bucket.at) / 1000) * FRAMES_PER_SECOND);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(ws, bucket);
    return allowed;
  }

  /**
   * Whether a refused frame's sender should be told (at most once a second): one error per refused frame
   * would queue an answer for every frame of a flood, to a client that may never read them.
   */
  shouldWarn(ws: WebSocket, now = Date.now()) {
    const last = this.warned.get(ws);
    if (last !== undefined && now - last < 1000) return false;
    this.warned.set(ws, now);
    return true;
  }
}

/** Parses one frame; on failure the socket gets an error frame and `undefined` comes back. */
export function parseFrame(ws: WebSocket, frame: string | ArrayBuffer): ClientMessage | undefined {
  if (typeof frame !== 'string') return void sendError(ws, 'bad_frame', 'Send JSON text frames');
  // Cheap length check first; UTF-8 can take up to 3 bytes per UTF-16 unit, so only long frames get encoded.
  const tooLarge =
    frame.length > MAX_FRAME_BYTES ||
    (frame.length > MAX_FRAME_BYTES / 3 && new TextEncoder().encode(frame).byteLength > MAX_FRAME_BYTES);
  if (tooLarge) {
    return void sendError(ws, 'frame_too_large', `Frames are limited to ${MAX_FRAME_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return void sendError(ws, 'bad_frame', 'Frames must be JSON');
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return void sendError(ws, 'bad_frame', `${issue.path.join('.') || 'frame'}: ${issue.message}`);
  }
  return parsed.data;
}
