/**
 * The session core: the event log (append before send), broadcasting, snapshots, and keeping the
 * object's copy of price and stock in step with D1. Host actions, holds and sockets build on it.
 */
import { inArray } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { createDb } from '../../src/db/client';
import { liveSessionProducts, liveSessions, products, variants } from '../../src/db/schema';
import type { DomainEvent } from '../../src/services/domain-events';
import type { EventBody, HistoryEvent, ServerMessage, SessionState, VariantState } from '../live-session.protocol';
import { LiveError } from './errors';
import { LiveStore, type VariantRow } from './store';

const CHAT_IN_SNAPSHOT = 50;
export type VariantDbRow = typeof variants.$inferSelect;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class SessionCore {
  readonly store: LiveStore;

  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Env,
  ) {
    this.store = new LiveStore(ctx.storage.sql);
  }

  get db() {
    return createDb(this.env.DB);
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

  private async loadFromD1(sessionId: string) {
    const db = this.db;
    const [row] = await db
      .select()
      .from(liveSessions)
      .where(inArray(liveSessions.id, [sessionId]));
    if (!row) throw new LiveError('not_found', 'Live session not found');
    const shown = await db
      .select()
      .from(liveSessionProducts)
      .where(inArray(liveSessionProducts.sessionId, [sessionId]));
    const ids = shown.map((p) => p.productId);
    const productRows = ids.length ? await db.select().from(products).where(inArray(products.id, ids)) : [];
    if (this.store.session()) return; // another call loaded it while we awaited D1
    this.store.ensureSchema();
    // A fresh epoch: whatever history an earlier incarnation had is not available to this one.
    this.store.run(
      `insert into session (id, creator_id, title, status, currency, scheduled_at, started_at, ended_at, epoch, seq,
       summary) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      row.id,
      row.creatorId,
      row.title,
      row.status,
      productRows[0]?.currency ?? 'USD',
      row.scheduledAt,
      row.startedAt,
      row.endedAt,
      Date.now(),
      row.summary ? JSON.stringify(row.summary) : null,
    );
    for (const p of shown) {
      const product = productRows.find((r) => r.id === p.productId);
      if (!product) continue;
      this.store.run(
        'insert into products (product_id, title, creator_id, position, pinned) values (?, ?, ?, ?, ?)',
        p.productId,
        product.title,
        product.creatorId,
        p.position,
        p.pinned ? 1 : 0,
      );
    }
    await this.refreshStock(ids, { publish: false });
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
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(frame);
      } catch {
        // A socket that is already closing; its close handler cleans up.
      }
    }
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

  /** A variant as viewers last saw it. */
  variantState(v: VariantRow): VariantState {
    return {
      id: v.id,
      options: JSON.parse(v.options),
      price: { amount: v.price, currency: this.current().currency },
      available: v.on_hand - v.reserved,
      held: v.held,
      sold: v.sold,
    };
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
      this.cached = { seq, builtAt: now, state: this.buildSnapshot() };
    }
    return this.cached.state;
  }

  /** For changes that rewrite history without a new event (erasure). */
  invalidateSnapshot() {
    this.cached = undefined;
  }

  private buildSnapshot(): SessionState {
    const s = this.current();
    const currency = s.currency;
    return {
      id: s.id,
      creatorId: s.creator_id,
      title: s.title,
      status: s.status,
      scheduledAt: iso(s.scheduled_at),
      startedAt: iso(s.started_at),
      endedAt: iso(s.ended_at),
      viewers: this.ctx.getWebSockets().length,
      products: this.store.products().map((p) => {
        const sale = this.store.flashSale(p.product_id);
        return {
          productId: p.product_id,
          title: p.title,
          position: p.position,
          pinned: p.pinned === 1,
          flashSale: sale ? { price: { amount: sale.price, currency }, endsAt: iso(sale.ends_at)! } : null,
          variants: this.store.variants(p.product_id).map((v) => this.variantState(v)),
        };
      }),
      chat: this.store
        .all<{ data: string }>(
          'select data from events where type = ? order by seq desc limit ?',
          'chat',
          CHAT_IN_SNAPSHOT,
        )
        .map((row) => JSON.parse(row.data).message)
        .filter((m) => m.text !== '')
        .reverse(),
      summary: this.store.summary(),
    };
  }

  /**
   * Re-reads price and stock of these products from D1 and publishes a `price` or `stock` event for every
   * variant whose state differs from what viewers last saw (holds held/sold come from this object).
   */
  async refreshStock(
    productIds: string[],
    { publish = true, rows: given }: { publish?: boolean; rows?: VariantDbRow[] } = {},
  ) {
    const shown = productIds.filter((id) => this.store.product(id));
    if (shown.length === 0) return;
    const rows = given ?? (await this.db.select().from(variants).where(inArray(variants.productId, shown)));
    for (const row of rows) {
      const before = this.store.variant(row.id);
      const totals = this.store.holdTotals(row.id);
      this.store.run(
        `insert into variants (id, product_id, options, position, price, on_hand, reserved, held, sold)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do update set price = excluded.price,
         on_hand = excluded.on_hand, reserved = excluded.reserved, held = excluded.held, sold = excluded.sold`,
        row.id,
        row.productId,
        JSON.stringify(row.options),
        row.position,
        row.price,
        row.stockOnHand,
        row.stockReserved,
        totals.held,
        totals.sold,
      );
      if (!publish || !before) continue;
      if (before.price !== row.price) {
        this.changed.price.add(row.productId);
        const price = { amount: row.price, currency: this.current().currency };
        this.publish({ type: 'price', productId: row.productId, variantId: row.id, price });
      }
      const available = row.stockOnHand - row.stockReserved;
      const changed =
        before.on_hand - before.reserved !== available || before.held !== totals.held || before.sold !== totals.sold;
      if (before.on_hand !== row.stockOnHand || before.reserved !== row.stockReserved) {
        this.changed.stock.add(row.productId);
      }
      if (changed) {
        this.publish({ type: 'stock', productId: row.productId, variantId: row.id, available, ...totals });
      }
    }
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
    const due = this.store.nextDueAt();
    if (due === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(due);
  }
}
