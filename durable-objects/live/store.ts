/**
 * The session object's own SQLite storage: the session row, its products and variants (a copy of D1's
 * price and stock, refreshed on every change), active flash sales, holds, the event log, socket tickets,
 * mutes and recent chat posts (the chat rate limit). Reads and writes are synchronous (SQLite in the object), which is what lets a snapshot and
 * the log stay in one order with broadcasts.
 */
import type { LiveSummaryWire } from '../live-session.protocol';

/**
 * Signed-in users' chat messages of the last window, for the per-user rate limit (chat.ts). Kept here, not
 * in memory, so an evicted or restarted object still knows who just posted. Its own statement because
 * objects created before it existed get it when they are next constructed (see LiveStore).
 */
const CHAT_POSTS = `
create table if not exists chat_posts (user_id text not null, at integer not null);
create index if not exists chat_posts_user on chat_posts (user_id, at);
create index if not exists chat_posts_at on chat_posts (at);
`;

/**
 * Order lines attributed to this show by orders that name it without coming from one of its holds (a viewer
 * bought a shown product from the catalog during the show). `reversed` once the order was cancelled, expired
 * or refunded. Its own statement for the same reason as CHAT_POSTS.
 */
const ATTRIBUTED_SALES = `
create table if not exists attributed_sales (
  order_id text not null, variant_id text not null, product_id text not null, quantity integer not null,
  unit_price integer not null, reversed integer not null default 0, primary key (order_id, variant_id));
`;

/**
 * When the object next looks for sockets whose pings stopped (heartbeats.ts): one row while it has sockets,
 * none otherwise; and how many sockets it closed whose clients may not have answered, so that a wake
 * looks for them only when there are some. Its own statement for the same reason as CHAT_POSTS.
 */
const SOCKET_SWEEP = `
create table if not exists socket_sweep (id integer primary key check (id = 1), due integer not null);
create table if not exists unanswered_closes (id integer primary key check (id = 1), count integer not null);
`;

const SCHEMA = `
create table if not exists session (
  id text primary key, creator_id text not null, title text not null, status text not null, currency text not null,
  scheduled_at integer, started_at integer, ended_at integer, epoch integer not null, seq integer not null,
  peak_viewers integer not null default 0, summary text);
create table if not exists products (
  product_id text primary key, title text not null, creator_id text not null, position integer not null,
  pinned integer not null default 0);
create table if not exists variants (
  id text primary key, product_id text not null, options text not null, position integer not null,
  price integer not null, on_hand integer not null, reserved integer not null,
  held integer not null default 0, sold integer not null default 0);
create table if not exists flash_sales (
  product_id text primary key, price integer not null, ends_at integer not null, previous text not null);
create table if not exists holds (
  id text primary key, user_id text, product_id text not null, variant_id text not null, quantity integer not null,
  status text not null, expires_at integer not null, order_id text, unit_price integer not null,
  created_at integer not null);
create index if not exists holds_variant on holds (variant_id, status);
create index if not exists holds_due on holds (status, expires_at);
create table if not exists events (seq integer primary key, type text not null, at integer not null, data text not null);
create index if not exists events_type on events (type, seq);
create table if not exists tickets (
  ticket text primary key, user_id text not null, display_name text not null, host integer not null,
  expires_at integer not null);
create table if not exists mutes (user_id text primary key, until integer not null);
${CHAT_POSTS}${ATTRIBUTED_SALES}${SOCKET_SWEEP}`;

export interface SessionRow {
  id: string;
  creator_id: string;
  title: string;
  status: 'scheduled' | 'live' | 'ended';
  currency: string;
  scheduled_at: number | null;
  started_at: number | null;
  ended_at: number | null;
  epoch: number;
  seq: number;
  peak_viewers: number;
  summary: string | null;
}

export interface ProductRow {
  product_id: string;
  title: string;
  creator_id: string;
  position: number;
  pinned: number;
}

export interface VariantRow {
  id: string;
  product_id: string;
  options: string;
  position: number;
  price: number;
  on_hand: number;
  reserved: number;
  /** Units held / sold through this session, as last published. */
  held: number;
  sold: number;
}

export interface HoldRow {
  id: string;
  user_id: string | null;
  product_id: string;
  variant_id: string;
  quantity: number;
  /** `reversed`: it became an order that was then cancelled, expired or refunded (this object only; D1 says `converted`). */
  status: 'active' | 'released' | 'expired' | 'converted' | 'reversed';
  expires_at: number;
  order_id: string | null;
  unit_price: number;
  created_at: number;
}

export interface FlashSaleRow {
  product_id: string;
  price: number;
  ends_at: number;
  /** JSON: { [variantId]: price before the sale } */
  previous: string;
}

export interface EventRow {
  seq: number;
  type: string;
  at: number;
  data: string;
}

type Row = Record<string, SqlStorageValue>;

export class LiveStore {
  /** Tables are created when a session is first loaded, so a request for an unknown id stores nothing. */
  private ready: boolean;

  constructor(private readonly sql: SqlStorage) {
    this.ready = sql.exec("select 1 from sqlite_master where type = 'table' and name = 'session'").toArray().length > 0;
    if (this.ready) sql.exec(CHAT_POSTS + ATTRIBUTED_SALES + SOCKET_SWEEP);
  }

  ensureSchema() {
    if (this.ready) return;
    this.sql.exec(SCHEMA);
    this.ready = true;
  }

  all<T>(query: string, ...bindings: SqlStorageValue[]): T[] {
    return this.sql.exec<Row>(query, ...bindings).toArray() as T[];
  }

  one<T>(query: string, ...bindings: SqlStorageValue[]): T | undefined {
    return this.all<T>(query, ...bindings)[0];
  }

  run(query: string, ...bindings: SqlStorageValue[]): number {
    return this.sql.exec(query, ...bindings).rowsWritten;
  }

  /** Sockets the heartbeat look closed whose clients may not have answered (none for an id never loaded). */
  unansweredCloses(): number {
    return this.ready ? (this.one<{ count: number }>('select count from unanswered_closes')?.count ?? 0) : 0;
  }

  session(): SessionRow | undefined {
    return this.ready ? this.one<SessionRow>('select * from session limit 1') : undefined;
  }

  products(): ProductRow[] {
    return this.all<ProductRow>('select * from products order by position');
  }

  product(productId: string): ProductRow | undefined {
    return this.one<ProductRow>('select * from products where product_id = ?', productId);
  }

  variants(productId?: string): VariantRow[] {
    return productId
      ? this.all<VariantRow>('select * from variants where product_id = ? order by position', productId)
      : this.all<VariantRow>('select * from variants order by product_id, position');
  }

  variant(variantId: string): VariantRow | undefined {
    return this.one<VariantRow>('select * from variants where id = ?', variantId);
  }

  /**
   * Units held (active holds) and sold through this show, per variant: sold counts holds converted into an
   * order and lines of orders that named the show, while those orders stand.
   */
  variantTotals(variantId: string): { held: number; sold: number } {
    const row = this.one<{ held: number | null; sold: number | null }>(
      `select (select sum(quantity) from holds where variant_id = ?1 and status = 'active') as held,
              (select coalesce(sum(quantity), 0) from holds where variant_id = ?1 and status = 'converted') +
              (select coalesce(sum(quantity), 0) from attributed_sales where variant_id = ?1 and reversed = 0) as sold`,
      variantId,
    );
    return { held: row?.held ?? 0, sold: row?.sold ?? 0 };
  }

  /** Units and revenue of every sale that stands (the summary's figures). */
  salesTotals(): { units: number; revenue: number } {
    const row = this.one<{ units: number | null; revenue: number | null }>(
      `select sum(quantity) as units, sum(quantity * unit_price) as revenue from (
         select quantity, unit_price from holds where status = 'converted'
         union all select quantity, unit_price from attributed_sales where reversed = 0)`,
    );
    return { units: row?.units ?? 0, revenue: row?.revenue ?? 0 };
  }

  hold(holdId: string): HoldRow | undefined {
    return this.one<HoldRow>('select * from holds where id = ?', holdId);
  }

  flashSale(productId: string): FlashSaleRow | undefined {
    return this.one<FlashSaleRow>('select * from flash_sales where product_id = ?', productId);
  }

  flashSales(): FlashSaleRow[] {
    return this.all<FlashSaleRow>('select * from flash_sales');
  }

  summary(): LiveSummaryWire | null {
    const raw = this.session()?.summary;
    return raw ? (JSON.parse(raw) as LiveSummaryWire) : null;
  }

  /**
   * The earliest moment something is due: a scheduled start, a flash sale's end, a hold's expiry or a look
   * for silent sockets.
   */
  nextDueAt(): number | null {
    const row = this.one<{ due: number | null }>(
      `select min(due) as due from (
         select scheduled_at as due from session where status = 'scheduled' and scheduled_at is not null
         union all select min(ends_at) from flash_sales
         union all select min(expires_at) from holds where status = 'active'
         union all select due from socket_sweep)`,
    );
    return row?.due ?? null;
  }
}
