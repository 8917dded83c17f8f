/**
 * Exact counters for throttling, one object per subject (an address, or an account's email hash).
 * A Durable Object runs one request at a time, so counts are exact across all Worker instances (KV would be
 * eventually consistent and let bursts through).
 *
 * - `hit`: fixed-window request counting for per-address policies (`auth`, `write`). Every write request
 *   waits for it, so its answer does not wait for the disk: counts are kept in memory and stored with
 *   `allowUnconfirmed` (the object's output is not held until the write is durable; a crash can lose the
 *   last few counts, which lets a handful of extra requests through, never refuses one wrongly).
 * - `loginCheck` / `loginFailed` / `loginSucceeded`: per-account back-off after failed logins, in SQLite and
 *   confirmed before answering (a lock-out must survive anything).
 */
import { DurableObject } from 'cloudflare:workers';

export interface WindowResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window resets. */
  resetSeconds: number;
}

interface Window {
  start: number;
  count: number;
}

export interface BackoffPolicy {
  /** Failures allowed before the first lock-out. */
  freeAttempts: number;
  /** First lock-out in seconds; doubles with each further failure, capped at `maxSeconds`. */
  baseSeconds: number;
  maxSeconds: number;
}

/** Failures older than this are forgotten. */
const FAILURE_MEMORY_MS = 15 * 60 * 1000;

export class RateLimiter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly windows = new Map<string, Window>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS login_failures (
      id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, last_at INTEGER NOT NULL,
      locked_until INTEGER NOT NULL)`);
  }

  /** Counts one request against `policy` (limit per window) and says whether it is allowed. */
  async hit(policy: string, limit: number, windowSeconds: number, now = Date.now()): Promise<WindowResult> {
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const key = `window:${policy}`;
    const previous = this.windows.get(key) ?? (await this.ctx.storage.get<Window>(key));
    const count = previous?.start === windowStart ? previous.count + 1 : 1;
    const current = { start: windowStart, count };
    this.windows.set(key, current);
    void this.ctx.storage.put(key, current, { allowUnconfirmed: true });
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      resetSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)),
    };
  }

  /** Seconds the account must wait before trying again (0 = may try now). */
  loginCheck(now = Date.now()): number {
    const row = this.sql.exec<{ locked_until: number }>('SELECT locked_until FROM login_failures').toArray()[0];
    return row && row.locked_until > now ? Math.ceil((row.locked_until - now) / 1000) : 0;
  }

  /** Records a failed login; returns the lock-out it caused in seconds (0 = none yet). */
  loginFailed(policy: BackoffPolicy, now = Date.now()): number {
    const row = this.sql
      .exec<{ failures: number; last_at: number }>('SELECT failures, last_at FROM login_failures')
      .toArray()[0];
    const failures = row && now - row.last_at < FAILURE_MEMORY_MS ? row.failures + 1 : 1;
    const over = failures - policy.freeAttempts;
    const lockSeconds = over >= 0 ? Math.min(policy.baseSeconds * 2 ** over, policy.maxSeconds) : 0;
    this.sql.exec(
      `INSERT INTO login_failures (id, failures, last_at, locked_until) VALUES (1, ?1, ?2, ?3)
       ON CONFLICT (id) DO UPDATE SET failures = ?1, last_at = ?2, locked_until = ?3`,
      failures,
      now,
      now + lockSeconds * 1000,
    );
    return lockSeconds;
  }

  /** A successful login clears the account's failures. */
  loginSucceeded(): void {
    this.sql.exec('DELETE FROM login_failures');
  }
}
