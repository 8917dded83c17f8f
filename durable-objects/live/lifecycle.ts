/**
 * The session's life: scheduled → live → ended, the summary stored in D1 when it ends, and the alarm
 * that runs whatever is due (a scheduled start, flash-sale ends, hold expiries).
 */
import { eq } from 'drizzle-orm';
import { liveSessions } from '../../src/db/schema';
import type { LiveSummaryWire } from '../live-session.protocol';
import type { SessionCore } from './core';
import { LiveError } from './errors';
import { stopSweeps, sweepSilentSockets } from './heartbeats';
import { expireDueHolds } from './holds';
import { syncHoldsFromD1 } from './holds-from-d1';
import { endFlashSale } from './host';
import { reconcileSales } from './sales';
import { viewerCount } from './sockets';

export async function startSession(core: SessionCore, now = Date.now()) {
  const session = core.current();
  if (session.status !== 'scheduled') throw new LiveError('invalid_state', `The session is already ${session.status}`);
  await core.db.update(liveSessions).set({ status: 'live', startedAt: now }).where(eq(liveSessions.id, session.id));
  core.store.run("update session set status = 'live', started_at = ?", now);
  core.publish({ type: 'started', startedAt: new Date(now).toISOString() }, now);
  await core.scheduleAlarm();
  return { seq: core.current().seq };
}

export function computeSummary(core: SessionCore): LiveSummaryWire {
  const session = core.current();
  const sales = core.store.salesTotals();
  return {
    peakViewers: session.peak_viewers,
    unitsSold: sales.units,
    revenue: { amount: sales.revenue, currency: session.currency },
  };
}

/**
 * A sale of the show was made or reversed: once the show has ended, its stored summary (here and in D1) is
 * rewritten to match. Before the end there is no summary yet; `endSession` writes the first. The end goes to
 * D1 again with it: `endSession`'s own write to D1 may have failed after the object had ended the show.
 */
export async function updateStoredSummary(core: SessionCore) {
  const { id, status, ended_at: endedAt } = core.current();
  if (status !== 'ended') return;
  const summary = computeSummary(core);
  core.store.run('update session set summary = ?', JSON.stringify(summary));
  await core.db.update(liveSessions).set({ status, endedAt, summary }).where(eq(liveSessions.id, id));
}

/**
 * Ends the show: running flash sales end (prices restored), its sales are checked against D1's orders, the
 * summary goes to D1, viewers get `ended` and their sockets close. Active holds keep their time so viewers
 * can still check out.
 */
export async function endSession(core: SessionCore, now = Date.now()) {
  const session = core.current();
  if (session.status === 'ended') throw new LiveError('invalid_state', 'The session has already ended');
  for (const sale of core.store.flashSales()) await endFlashSale(core, sale.product_id);
  await core.refreshStock(await reconcileSales(core));
  // The peak is sampled with each viewer count (at most once a second); the crowd at the end counts too.
  core.store.run('update session set peak_viewers = max(peak_viewers, ?)', viewerCount(core));
  core.store.run("update session set status = 'ended', ended_at = ?", now);
  const summary = computeSummary(core);
  core.store.run('update session set summary = ?', JSON.stringify(summary));
  await core.db
    .update(liveSessions)
    .set({ status: 'ended', endedAt: now, summary })
    .where(eq(liveSessions.id, session.id));
  core.publish({ type: 'ended', endedAt: new Date(now).toISOString(), summary }, now);
  for (const ws of core.ctx.getWebSockets()) {
    try {
      ws.close(1000, 'session ended');
    } catch {}
  }
  stopSweeps(core);
  await core.scheduleAlarm();
  return { seq: core.current().seq, summary };
}

/** Everything due by `now` (a look for silent sockets too), then the alarm moves to the next due item. */
export async function runDue(core: SessionCore, now = Date.now()) {
  const session = core.current();
  if (session.status === 'scheduled' && session.scheduled_at !== null && session.scheduled_at <= now) {
    await startSession(core, now);
  }
  for (const sale of core.store.flashSales()) {
    if (sale.ends_at <= now) await endFlashSale(core, sale.product_id);
  }
  await expireDueHolds(core, now);
  sweepSilentSockets(core, now);
  await core.scheduleAlarm();
}

/**
 * Catches the object up with D1 when news of a change may not have reached it (a subscriber's call to it
 * failed, or D1 has a hold still active past its time): holds and sales are re-read, then every shown
 * product's price and stock (viewers get what changed), due holds expire, and an ended show's stored summary
 * is rewritten. Safe to run any time: with nothing missed, it changes nothing.
 */
export async function resync(core: SessionCore) {
  await syncHoldsFromD1(core);
  await reconcileSales(core);
  await core.refreshStock(core.store.products().map((p) => p.product_id));
  await runDue(core);
  await updateStoredSummary(core);
}
