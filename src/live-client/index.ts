/**
 * A small live-session client for browsers and Node ≥ 20 (pass the `ws` package's WebSocket where there is
 * no global one). It keeps the session state from the snapshot and events, detects gaps and new epochs and
 * resyncs, reconnects with jittered back-off, resuming from the last seq it applied, and pings now and then
 * to notice a connection that died without a close.
 *
 * @example
 * import WebSocket from 'ws';
 * const live = new LiveClient({ baseUrl: 'http://localhost:8787', sessionId, WebSocket,
 *   getTicket: ticketFetcher('http://localhost:8787', sessionId, accessToken) });
 * live.onChange = (state) => render(state);
 * live.connect();
 */
import { ACCOUNT_ERASED_CLOSE } from '../../durable-objects/live-session.close-codes';
import type { ClientMessage, ServerMessage, SessionState } from '../../durable-objects/live-session.protocol';
import { applyEvent, isHistoryEvent } from './apply';

export { applyEvent, isHistoryEvent } from './apply';

/** The subset of the WebSocket API the client uses (browsers' and the `ws` package's both fit). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  /** The `ws` package's immediate teardown (browsers only have close, which waits for the peer). */
  terminate?(): void;
}

export interface LiveClientOptions {
  baseUrl: string;
  sessionId: string;
  WebSocket?: new (url: string) => SocketLike;
  /** Returns a fresh single-use ticket for each connection (signed-in users); anonymous without it. */
  getTicket?: () => Promise<string>;
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * A ping every `everyMs` (default 25 s); when nothing at all arrives within `timeoutMs` of it (default
   * 10 s), the connection is taken for dead and replaced. `false`: no pings. The server closes sockets that
   * pinged and then fell silent for three minutes (HEARTBEAT_TIMEOUT_CLOSE).
   */
  heartbeat?: { everyMs?: number; timeoutMs?: number } | false;
}

export type LiveStatus = 'idle' | 'connecting' | 'open' | 'waiting' | 'ended' | 'closed';

export class LiveClient {
  state: SessionState | null = null;
  epoch: number | null = null;
  seq = 0;
  viewers = 0;
  status: LiveStatus = 'idle';
  readonly stats = {
    connects: 0,
    reconnects: 0,
    gaps: 0,
    newEpochs: 0,
    duplicates: 0,
    snapshots: 0,
    deadConnections: 0,
  };
  onChange: ((state: SessionState) => void) | null = null;
  onMessage: ((message: ServerMessage, receivedAt: number) => void) | null = null;
  onStatus: ((status: LiveStatus) => void) | null = null;

  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryInMs: number | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastHelloAt = 0;
  private resyncTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private lastReceivedAt = 0;
  /** The highest seq seen in this epoch, applied or not: below it, we are missing events. */
  private highestSeen = 0;
  /** An event of another epoch came: only a snapshot puts us right. */
  private epochBehind = false;

  constructor(private readonly options: LiveClientOptions) {}

  connect() {
    if (this.status === 'closed' || this.status === 'ended') return;
    this.setStatus('connecting');
    void this.open().catch(() => this.scheduleReconnect());
  }

  /** Stops for good (no reconnect). */
  close() {
    this.setStatus('closed');
    if (this.timer) clearTimeout(this.timer);
    if (this.resyncTimer) clearTimeout(this.resyncTimer);
    this.stopHeartbeat();
    this.socket?.close(1000, 'client closed');
  }

  send(message: ClientMessage) {
    if (this.socket?.readyState === 1) this.socket.send(JSON.stringify(message));
  }

  chat(text: string) {
    this.send({ type: 'chat', text });
  }

  react(emoji: string) {
    this.send({ type: 'react', emoji });
  }

  private async open() {
    const Ctor =
      this.options.WebSocket ?? (globalThis as unknown as { WebSocket?: LiveClientOptions['WebSocket'] }).WebSocket;
    if (!Ctor) throw new Error('No WebSocket implementation: pass options.WebSocket (e.g. the ws package)');
    const url = new URL(`/v1/live-sessions/${this.options.sessionId}/ws`, this.options.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.options.getTicket) url.searchParams.set('ticket', await this.options.getTicket());
    // Resuming in the URL: the server sends what we missed (or a snapshot), not a snapshot first.
    if (this.epoch !== null) {
      url.searchParams.set('lastSeq', String(this.seq));
      url.searchParams.set('epoch', String(this.epoch));
    }
    if (this.status !== 'connecting') return;
    const socket = new Ctor(url.toString());
    this.socket = socket;
    this.stats.connects += 1;
    socket.onopen = () => {
      this.attempt = 0;
      this.retryInMs = null;
      this.lastReceivedAt = Date.now();
      this.setStatus('open');
      this.beat(socket);
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.socket === socket) {
        this.socket = null;
        this.stopHeartbeat();
      }
      // The account it watches as was erased: the server refuses its tickets from now on.
      if (event.code === ACCOUNT_ERASED_CLOSE) return this.close();
      this.scheduleReconnect();
    };
  }

  /**
   * The next ping, then a check that something (the pong, or any other frame) came back. On a phone that
   * changed networks, or behind a NAT that forgot the connection, no close ever arrives: without this the
   * viewer would sit on a frozen show until TCP gave up, minutes later.
   */
  private beat(socket: SocketLike) {
    if (this.options.heartbeat === false) return;
    const { everyMs = 25_000, timeoutMs = 10_000 } = this.options.heartbeat ?? {};
    this.heartbeatTimer = setTimeout(() => {
      const pingedAt = Date.now();
      this.send({ type: 'ping' });
      this.heartbeatTimer = setTimeout(() => {
        if (this.lastReceivedAt >= pingedAt) return this.beat(socket);
        this.stats.deadConnections += 1;
        this.replace(socket);
      }, timeoutMs);
    }, everyMs);
  }

  private stopHeartbeat() {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** Leaves a dead connection behind (nothing it might still deliver is applied) and connects again. */
  private replace(socket: SocketLike) {
    this.stopHeartbeat();
    socket.onopen = socket.onmessage = socket.onclose = null;
    this.socket = null;
    try {
      if (socket.terminate) socket.terminate();
      else socket.close(4000, 'heartbeat timeout');
    } catch {}
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (this.status === 'closed' || this.status === 'ended' || this.timer) return;
    this.setStatus('waiting');
    const { initialMs = 250, maxMs = 10_000 } = this.options.backoff ?? {};
    // Full jitter spreads a crowd's reconnects; after going_away the server says when to come back.
    const base = this.retryInMs ?? Math.min(maxMs, initialMs * 2 ** this.attempt);
    const delay = this.retryInMs !== null ? base + Math.random() * base : base / 2 + (Math.random() * base) / 2;
    this.attempt += 1;
    this.retryInMs = null;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.stats.reconnects += 1;
      this.connect();
    }, delay);
  }

  private receive(frame: string) {
    const receivedAt = Date.now();
    this.lastReceivedAt = receivedAt;
    let message: ServerMessage;
    try {
      message = JSON.parse(frame) as ServerMessage;
    } catch {
      return;
    }
    this.onMessage?.(message, receivedAt);
    if (message.type === 'snapshot') {
      this.stats.snapshots += 1;
      this.state = message.session;
      this.epoch = message.epoch;
      this.seq = message.seq;
      this.highestSeen = message.seq;
      this.epochBehind = false;
      this.viewers = message.session.viewers;
      if (message.session.status === 'ended') this.setStatus('ended');
      this.changed();
    } else if (isHistoryEvent(message)) {
      this.applyHistory(message);
    } else if (message.type === 'viewers') {
      this.viewers = message.count;
    } else if (message.type === 'going_away') {
      this.retryInMs = message.retryInMs;
    }
  }

  private applyHistory(event: Extract<ServerMessage, { seq: number; at: number }>) {
    if (!this.state) return;
    if (event.epoch !== this.epoch) {
      // History was not kept: ask for a fresh snapshot (the server answers a foreign epoch with one).
      this.stats.newEpochs += 1;
      this.epochBehind = true;
      return this.resync();
    }
    this.highestSeen = Math.max(this.highestSeen, event.seq);
    if (event.seq <= this.seq) {
      this.stats.duplicates += 1;
      return;
    }
    if (event.seq > this.seq + 1) {
      this.stats.gaps += 1;
      return this.resync();
    }
    this.state = applyEvent(this.state, event);
    this.seq = event.seq;
    if (event.type === 'ended') this.setStatus('ended');
    this.changed();
  }

  /**
   * hello with our position: the server replays what we missed, or sends a snapshot. At most once a second (a
   * replay in flight fills several gaps); a gap found sooner is asked about when the second is up, if the
   * replay has not filled it by then, since no later event may come to reveal it again.
   */
  private resync() {
    const wait = this.lastHelloAt + 1000 - Date.now();
    if (wait > 0) {
      this.resyncTimer ??= setTimeout(() => {
        this.resyncTimer = null;
        if (this.epochBehind || this.seq < this.highestSeen) this.resync();
      }, wait);
      return;
    }
    this.lastHelloAt = Date.now();
    this.send({ type: 'hello', lastSeq: this.seq, epoch: this.epoch ?? undefined });
  }

  private changed() {
    if (this.state) this.onChange?.(this.state);
  }

  private setStatus(status: LiveStatus) {
    if (this.status === status) return;
    this.status = status;
    this.onStatus?.(status);
  }
}

/** A `getTicket` that asks the API for a ticket with the user's access token. */
export function ticketFetcher(baseUrl: string, sessionId: string, accessToken: string | (() => string)) {
  return async () => {
    const token = typeof accessToken === 'function' ? accessToken() : accessToken;
    const res = await fetch(new URL(`/v1/live-sessions/${sessionId}/tickets`, baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (!res.ok) throw new Error(`ticket: ${res.status}`);
    return ((await res.json()) as { ticket: string }).ticket;
  };
}
