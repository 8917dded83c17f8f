/**
 * Exact counters for throttling, one object per subject (an address, or an account's email hash).
 * A Durable Object runs one request at a time and keeps its counts in its own SQLite storage, so counts
 * are exact across all Worker instances (KV would be eventually consistent and let bursts through).
 *
 * - `hit`: fixed-window request counting for per-address policies (`auth`, `write`).
 * - `loginCheck` / `loginFailed` / `loginSucceeded`: per-account back-off after failed logins.
 */
import { DurableObject } from 'cloudflare:workers';

export interface WindowResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window resets. */
  resetSeconds: number;
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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS windows (
      policy TEXT PRIMARY KEY, window_start INTEGER NOT NULL, count INTEGER NOT NULL)`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS login_failures (
      id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, last_at INTEGER NOT NULL,
      locked_until INTEGER NOT NULL)`);
  }

  /** Counts one request against `policy` (limit per window) and says whether it is allowed. */
  hit(policy: string, limit: number, windowSeconds: number, now = Date.now()): WindowResult {
    const windowMs = windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    // SET expressions see the row's old values, so a new window restarts the count at 1.
    const { count } = this.sql
      .exec<{ count: number }>(
        `INSERT INTO windows (policy, window_start, count) VALUES (?1, ?2, 1)
         ON CONFLICT (policy) DO UPDATE SET
           count = CASE WHEN window_start = excluded.window_start THEN count + 1 ELSE 1 END,
           window_start = excluded.window_start
         RETURNING count`,
        policy,
        windowStart,
      )
      .one();
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
