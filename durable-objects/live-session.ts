/**
 * One Durable Object per live session: the single writer for its show. Host changes, holds and sales of
 * its products are serialized here (one mutation at a time), every event is stored in the session's log
 * with its seq before it is sent, and viewers' sockets hibernate between messages.
 *
 * RPC methods validate their input and return `LiveResult` (see live/errors.ts); the Worker maps
 * failures to HTTP problems. The WebSocket protocol is in live-session.protocol.ts.
 */
import { DurableObject } from 'cloudflare:workers';
import { emitDomainEvent } from '../src/services/domain-events';
import { chatOf, eraseChat, mutesOf, muteUser, postChat, removeChat } from './live/chat';
import { acceptSocket, issueTicket } from './live/connect';
import { SessionCore } from './live/core';
import { LiveError, toResult } from './live/errors';
import { noteFrame, notePing, recloseUnanswered } from './live/heartbeats';
import { convertHold, createHold, releaseHold, releaseHoldsOf } from './live/holds';
import { startFlashSale, updateProduct } from './live/host';
import { endSession, resync, runDue, startSession, updateStoredSummary } from './live/lifecycle';
import * as rpc from './live/rpc-schemas';
import { attributeSale, reverseSale } from './live/sales';
import { replayPage } from './live/snapshot';
import { closeSocketsOf, goingAway, Limits, parseFrame, resume, send, viewerCount } from './live/sockets';
import type { HoldRow } from './live/store';
import { PING_FRAME, PONG_FRAME } from './live-session.protocol';

export class LiveSession extends DurableObject<Env> {
  private readonly core: SessionCore;
  private readonly limits = new Limits();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.core = new SessionCore(ctx, env);
    // Pings are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_FRAME, PONG_FRAME));
    recloseUnanswered(this.core);
  }

  /** Runs mutations one at a time: each awaits D1, and two must never interleave their reads and writes. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A serialized mutation; afterwards (outside the lock, so subscribers may call back into this object)
   * the domain events for what it changed in D1 are emitted and awaited, so product cards are correct
   * when the caller sees success.
   */
  private async mutate<T>(reason: string, fn: () => Promise<T>) {
    const result = await toResult(() =>
      this.serial(async () => {
        await this.core.session();
        return fn();
      }),
    );
    await this.emitChanges(reason);
    return result;
  }

  private async emitChanges(reason: string) {
    if (!this.core.store.session()) return;
    for (const event of this.core.takeDomainEvents(reason)) await emitDomainEvent(event, { env: this.env });
  }

  /** Loads the session from D1 into the object (called right after the session is created). */
  init(sessionId: string) {
    return toResult(async () => {
      await this.core.session(rpc.parseInput(rpc.SessionIdInput, sessionId));
      return { seq: this.core.current().seq };
    });
  }

  snapshot() {
    return toResult(async () => {
      const s = await this.core.session();
      return { epoch: s.epoch, seq: s.seq, session: this.core.snapshotState() };
    });
  }

  /**
   * Open sockets right now ("viewers now" on cards and the feed): no snapshot is built and storage is not
   * touched, so asking about a session this object never loaded stores nothing (and it has no sockets: 0).
   */
  viewerCount(): number {
    return viewerCount(this.core);
  }

  /**
   * Host actions: the caller says who asks (authenticated by the Worker); only the session's creator or an
   * admin may. Sessions are public, so anyone else gets `forbidden` rather than `not_found`.
   */
  private asHost(actor: { userId: string; role: string }) {
    const creatorId = this.core.current().creator_id;
    if (actor.role !== 'admin' && actor.userId !== creatorId) {
      throw new LiveError('forbidden', 'Only the host of this session can do this');
    }
  }

  start(actor: unknown) {
    return this.mutate('live.start', () => {
      this.asHost(rpc.parseInput(rpc.Actor, actor));
      return startSession(this.core);
    });
  }

  end(actor: unknown) {
    return this.mutate('live.end', () => {
      this.asHost(rpc.parseInput(rpc.Actor, actor));
      return endSession(this.core);
    });
  }

  updateProduct(input: unknown) {
    return this.mutate('live.host_update', () => {
      const { actor, ...update } = rpc.parseInput(rpc.ProductUpdateInput, input);
      this.asHost(actor);
      return updateProduct(this.core, update);
    });
  }

  startFlashSale(input: unknown) {
    return this.mutate('live.flash_sale', () => {
      const { actor, ...sale } = rpc.parseInput(rpc.FlashSaleInput, input);
      this.asHost(actor);
      return startFlashSale(this.core, sale);
    });
  }

  createHold(input: unknown) {
    return this.mutate('live.hold', async () => {
      const hold = await createHold(this.core, rpc.parseInput(rpc.HoldInput, input));
      return { id: hold.id, expiresAt: hold.expires_at, productId: hold.product_id, variantId: hold.variant_id };
    });
  }

  releaseHold(input: unknown) {
    return this.mutate('live.hold_released', async () => {
      const parsed = rpc.parseInput(rpc.ReleaseHoldInput, input);
      await releaseHold(this.core, parsed);
      return { productId: this.core.store.hold(parsed.holdId)!.product_id };
    });
  }

  /** Called by the orders service when an order is placed from a hold. */
  convertHold(input: unknown) {
    return this.mutate('live.hold_converted', async () => {
      const result = await convertHold(this.core, rpc.parseInput(rpc.ConvertHoldInput, input));
      await updateStoredSummary(this.core);
      return result;
    });
  }

  /** Called by the orders service when an order names this show without coming from one of its holds. */
  saleAttributed(input: unknown) {
    return this.mutate('live.sale_attributed', async () => {
      const result = await attributeSale(this.core, rpc.parseInput(rpc.SaleAttributedInput, input));
      await updateStoredSummary(this.core);
      // The orders service emits the stock change itself.
      this.core.takeDomainEvents('live.sale_attributed');
      return result;
    });
  }

  /** Called by the orders service when an order of this show is cancelled, expires or is refunded. */
  saleReversed(input: unknown) {
    return this.mutate('live.sale_reversed', async () => {
      await reverseSale(this.core, rpc.parseInput(rpc.SaleReversedInput, input));
      await updateStoredSummary(this.core);
      // The orders service emits the stock change itself.
      this.core.takeDomainEvents('live.sale_reversed');
      return { seq: this.core.current().seq };
    });
  }

  /** Price or stock of these products changed elsewhere (orders, payments, catalog edits): re-read D1, tell viewers. */
  notifyStockChanged(productIds: unknown) {
    return this.mutate('live.notified', async () => {
      await this.core.refreshStock(rpc.parseInput(rpc.ProductIdsInput, productIds));
      // Whoever changed the price or stock already emitted the domain event.
      this.core.takeDomainEvents('live.notified');
      return { seq: this.core.current().seq };
    });
  }

  /** Called by the maintenance cron when news of a change may not have reached this object (see lifecycle.ts). */
  resync() {
    return this.mutate('live.resync', async () => {
      await resync(this.core);
      return { seq: this.core.current().seq };
    });
  }

  /** A single-use socket ticket for a signed-in user, valid for a minute. */
  issueTicket(input: unknown) {
    return toResult(async () => {
      const parsed = rpc.parseInput(rpc.TicketInput, input);
      await this.core.session();
      return issueTicket(this.core, parsed);
    });
  }

  /** The event log from `afterSeq`, with each event's offset from the start of the show. */
  replay(input: unknown) {
    return toResult(async () => {
      const { afterSeq, limit } = rpc.parseInput(rpc.ReplayInput, input);
      await this.core.session();
      return replayPage(this.core, afterSeq, limit);
    });
  }

  /** Before a planned restart: tell every socket when to come back, then close them (1012). */
  goingAway(retryInMs = 250) {
    return goingAway(this.core, retryInMs);
  }

  exportUser(userId: unknown) {
    return toResult(async () => {
      const id = rpc.parseInput(rpc.UserIdInput, userId);
      const s = await this.core.session();
      const holds = this.core.store.all<HoldRow>('select * from holds where user_id = ? order by created_at', id);
      return { sessionId: s.id, chat: chatOf(this.core, id), holds, mutes: mutesOf(this.core, id) };
    });
  }

  /**
   * Everything the object keeps about an erased user. Their active holds are released first, while the holds
   * still name them: if that fails, nothing is unlinked yet and the erasure's retry releases them.
   */
  eraseUser(userId: unknown) {
    return this.mutate('privacy.erase', async () => {
      const id = rpc.parseInput(rpc.UserIdInput, userId);
      const released = await releaseHoldsOf(this.core, id);
      const sockets = closeSocketsOf(this.core, id);
      const messages = eraseChat(this.core, id);
      this.core.invalidateSnapshot();
      const holds = this.core.store.run('update holds set user_id = null where user_id = ?', id);
      return { messages, holds, released, sockets };
    });
  }

  async fetch(request: Request) {
    return acceptSocket(this.core, request);
  }

  /**
   * Synchronous on purpose: frames are handled to completion in arrival order (an await here would let
   * the next frame's handler overtake this one). A socket exists only after the session was loaded.
   */
  webSocketMessage(ws: WebSocket, frame: string | ArrayBuffer) {
    if (!this.limits.allowFrame(ws)) {
      if (this.limits.shouldWarn(ws)) send(ws, { type: 'error', code: 'rate_limited', message: 'Slow down' });
      return;
    }
    const message = parseFrame(ws, frame);
    if (!message || !this.core.store.session()) return;
    if (message.type !== 'ping') noteFrame(this.core, ws);
    switch (message.type) {
      case 'hello':
        return resume(this.core, ws, message.lastSeq, message.epoch);
      case 'ping':
        notePing(ws);
        return send(ws, { type: 'pong' });
      case 'react':
        return this.core.coalescer.react(message.emoji);
      case 'chat':
        return postChat(this.core, ws, message.text);
      case 'remove_chat':
        return removeChat(this.core, ws, message.messageId);
      case 'mute':
        return muteUser(this.core, ws, message.userId, message.minutes);
      case 'unmute':
        return muteUser(this.core, ws, message.userId, null);
    }
  }

  async webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, 'bye');
    } catch {}
    this.core.coalescer.viewersChanged();
  }

  async webSocketError() {
    this.core.coalescer.viewersChanged();
  }

  async alarm() {
    await this.serial(async () => {
      await this.core.session();
      await runDue(this.core);
    });
    await this.emitChanges('live.alarm');
  }
}

export { LiveError };
