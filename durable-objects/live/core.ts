/**
 * The session core: the event log (append before send), broadcasting, snapshots, and keeping the
 * object's copy of price and stock in step with D1. Host actions, holds and sockets build on it.
 */
import { inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { createDb, type Db } from '../../src/db/client';
import { variants } from '../../src/db/schema';
import type { DomainEvent } from '../../src/services/domain-events';
import type { EventBody, HistoryEvent, ServerMessage, SessionState } from '../live-session.protocol';
import { loadFromD1, type RefreshOptions, refreshStock } from './catalog-sync';
import { LiveError } from './errors';
import { buildSnapshot } from './snapshot';
import { Coalescer, sendFrame } from './sockets';
import { LiveStore } from './store';

export type VariantDbRow = typeof variants.$inferSelect;
export type { VariantState } from './catalog-sync';

export class SessionCore {
  readonly store: LiveStore;
  /** Viewer counts and reactions, a few frames a second however many viewers come, go or react. */
  readonly coalescer: Coalescer;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.store = new LiveStore(ctx.storage.sql);
    this.coalescer = new Coalescer(this);
  }

  private dbClient: Db | undefined;

  get db(): Db {
    this.dbClient ??= createDb(this.env.DB);
    return this.dbClient;
  }

  /** One atomic D1 batch of any number of statements (D1 has no interactive transactions). */
  async batch(statements: BatchItem<'sqlite'>[]): Promise<unknown[]> {
    if (statements.length === 0) return [];
    return this.db.batch(statements as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
  }

  /** Reads a product's variants; put it last in a write batch to see the written state without a round trip. */
  variantsQuery(productId: string) {
    return this.db
      .select()
      .from(variants)
      .where(inArray(variants.productId, [productId]));
  }

  /** The session row; loads it from D1 the first time (or after the object's storage was lost). */
  async session(sessionId?: string) {
    const existing = this.store.session();
    if (existing) return existing;
    const id = sessionId ?? this.ctx.id.name;
    if (!id) throw new LiveError('not_found', 'Live session not found');
    await this.loadFromD1(id);
    return this.store.session()!;
  }

  /** Session state that must exist right now (synchronous callers, after `session()` ran once). */
  current() {
    const row = this.store.session();
    if (!row) throw new LiveError('not_found', 'Live session not found');
    return row;
  }

  private loadFromD1(sessionId: string) {
    return loadFromD1(this, sessionId);
  }

  /** Stores an event in the log with the next seq, then sends it to every socket. */
  publish(body: EventBody, at = Date.now()): HistoryEvent {
    const session = this.current();
    const seq = session.seq + 1;
    const event = { ...body, epoch: session.epoch, seq, at } as HistoryEvent;
    const { type, epoch: _e, seq: _s, at: _a, ...data } = event;
    this.store.run('insert into events (seq, type, at, data) values (?, ?, ?, ?)', seq, type, at, JSON.stringify(data));
    this.store.run('update session set seq = ?', seq);
    this.broadcast(event);
    return event;
  }

  broadcast(message: ServerMessage) {
    const frame = JSON.stringify(message);
    for (const ws of this.ctx.getWebSockets()) sendFrame(ws, frame);
  }

  /**
   * Resolves once the runtime has written the frames broadcast so far: a timer callback runs after the
   * socket writes already queued. A host update awaits it before its D1 write, which otherwise competes with
   * the broadcast for the object's thread (locally D1 itself runs on that thread: with 1,000 viewers the
   * write took 20–30 ms instead of 2–3 ms, and the last viewers waited for it). The host's answer comes a
   * broadcast later; viewers come first.
   */
  afterBroadcastFlushed() {
    return new Promise<void>((resolve) => setTimeout(resolve, 0));
  }

  /** Events after `seq`, at most `limit`, rebuilt from the log. */
  eventsAfter(seq: number, limit: number): HistoryEvent[] {
    const epoch = this.current().epoch;
    return this.store
      .all<{ seq: number; type: string; at: number; data: string }>(
        'select * from events where seq > ? order by seq limit ?',
        seq,
        limit,
      )
      .map((row) => ({ type: row.type, epoch, seq: row.seq, at: row.at, ...JSON.parse(row.data) }) as HistoryEvent);
  }

  private cached: { seq: number; builtAt: number; state: SessionState } | undefined;

  /**
   * The session as a snapshot, cached per seq (a crowd joining at once costs one build, not one per viewer);
   * the viewer count in it may be up to a second old — `viewers` frames follow.
   */
  snapshotState(): SessionState {
    const seq = this.current().seq;
    const now = Date.now();
    if (this.cached?.seq !== seq || now - this.cached.builtAt > 1000) {
      this.cached = { seq, builtAt: now, state: buildSnapshot(this) };
    }
    return this.cached.state;
  }

  /** For changes that rewrite history without a new event (erasure). */
  invalidateSnapshot() {
    this.cached = undefined;
  }

  /**
   * Re-reads price and stock of these products from D1 (or takes `rows` read in a write batch) and
   * publishes what viewers have not seen yet; see catalog-sync.ts.
   */
  refreshStock(productIds: string[], options: RefreshOptions = {}) {
    return refreshStock(this, productIds, options);
  }

  /** Products whose D1 price or stock this object changed, for the domain events sent after a mutation. */
  readonly changed = { price: new Set<string>(), stock: new Set<string>() };

  /** Domain events for what the last mutations changed in D1 (product cards, other sessions), then reset. */
  takeDomainEvents(reason: string): DomainEvent[] {
    const session = this.current();
    const events: DomainEvent[] = [...this.changed.price].map((productId) => ({
      type: 'product.updated',
      productId,
      creatorId: this.store.product(productId)?.creator_id ?? session.creator_id,
      liveSessionId: session.id,
    }));
    if (this.changed.stock.size > 0) {
      events.push({ type: 'stock.changed', productIds: [...this.changed.stock], reason, liveSessionId: session.id });
    }
    this.changed.price.clear();
    this.changed.stock.clear();
    return events;
  }

  /** Points the object's one alarm at the earliest due item. */
  async scheduleAlarm() {
    const current = await this.ctx.storage.getAlarm();
    // Read after the await: a socket accepted meanwhile (which is not serialized) may have added a due item,
    // and whichever call writes last must write what the store says now.
    const due = this.store.nextDueAt();
    // Most mutations leave it where it was; not rewriting it keeps a storage write out of their commit.
    if (due === current) return;
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due);
  }
}
