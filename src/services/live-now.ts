/**
 * Which hosts are live right now. Reads the live engineer's `live_sessions` table once it is on main;
 * until then no session can be live, so the answer is honestly empty.
 */
import type { Db } from '../db/client';

export interface LiveNowSummary {
  id: string;
  title: string;
}

export async function liveNowByHost(_db: Db, _hostIds: string[]): Promise<Map<string, LiveNowSummary>> {
  return new Map();
}
