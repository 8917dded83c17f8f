/**
 * Heartbeats. A client that pings shows that its connection is alive and read; one whose pings stop is
 * closed. Without this, frames for a client that no longer reads (a frozen app, a stopped process, a link
 * that died without a close) queue in the runtime's memory for as long as the connection lasts: workerd
 * offers no `bufferedAmount` to notice it (workerd#988), and its writes never fail while the peer's kernel
 * still acknowledges. After the close, sends to that socket stop, so what it holds stops growing.
 *
 * Only clients that pinged at least once are judged: pings are optional in the contract, and a client
 * that never sends one is never closed for it. The exact ping frame is answered by the runtime without
 * waking the object, which records when (getWebSocketAutoResponseTimestamp); other spellings of a ping
 * reach webSocketMessage and are recorded in the socket's attachment, and so is any other frame from a
 * socket that pinged: a client that pings only when it has sent nothing else for a while is not silent
 * while it chats or reacts. While the object has sockets, its alarm looks once a minute.
 */
import { HEARTBEAT_TIMEOUT_CLOSE } from '../live-session.protocol';
import type { SessionCore } from './core';
import { identityOf } from './sockets';

/**
 * Silent this long after pinging, a socket is closed: five of our client's 35-second beats, with room for
 * a browser's background tab, whose timers may run only once a minute.
 */
export const HEARTBEAT_IDLE_MS = 180_000;
export const SWEEP_EVERY_MS = 60_000;
/** A busy socket's frames rewrite its attachment at most this often: the limit is minutes, not seconds. */
const HEARD_EVERY_MS = 10_000;

/** A ping the runtime did not answer itself (spelled differently from PING_FRAME), kept with the socket. */
export function notePing(ws: WebSocket, now = Date.now()) {
  ws.serializeAttachment({ ...identityOf(ws), pingedAt: now });
}

/**
 * Any other frame: from a socket that pinged before, it counts as a ping (a socket that never pinged stays
 * unjudged, as pings are optional).
 */
export function noteFrame(core: SessionCore, ws: WebSocket, now = Date.now()) {
  const noted = identityOf(ws).pingedAt;
  if (noted !== undefined && now - noted < HEARD_EVERY_MS) return;
  if (lastPingAt(core, ws) !== null) notePing(ws, now);
}

function lastPingAt(core: SessionCore, ws: WebSocket): number | null {
  const answered = core.ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? null;
  const framed = identityOf(ws).pingedAt ?? null;
  if (answered === null) return framed;
  return framed === null ? answered : Math.max(answered, framed);
}

/** After a socket was accepted: a look for silent sockets within a minute, unless one is already due. */
export async function armSweep(core: SessionCore, now = Date.now()) {
  if (core.store.one('select due from socket_sweep')) return;
  core.store.run('insert into socket_sweep (id, due) values (1, ?)', now + SWEEP_EVERY_MS);
  await core.scheduleAlarm();
}

export function stopSweeps(core: SessionCore) {
  core.store.run('delete from socket_sweep');
}

/**
 * When due: closes the sockets that pinged and then fell silent, tells the others the new viewer count (a
 * client that stopped reading never answers the close, so no close handler would), and schedules the next
 * look while any socket remains in a show that has not ended. Returns how many it closed. The caller
 * reschedules the alarm.
 */
export function sweepSilentSockets(core: SessionCore, now = Date.now()): number {
  const due = core.store.one<{ due: number }>('select due from socket_sweep')?.due;
  if (due === undefined || due > now) return 0;
  const sockets = core.ctx.getWebSockets();
  let closed = 0;
  for (const ws of sockets) {
    // Already closing: closed by an earlier look (and again on waking) or by the client.
    if (ws.readyState !== WebSocket.OPEN) continue;
    const pingedAt = lastPingAt(core, ws);
    if (pingedAt === null || now - pingedAt <= HEARTBEAT_IDLE_MS) continue;
    try {
      ws.serializeAttachment({ ...identityOf(ws), closedAt: now });
      ws.close(HEARTBEAT_TIMEOUT_CLOSE, 'heartbeat timeout');
      closed += 1;
    } catch {}
  }
  if (closed > 0) {
    core.store.run(
      `insert into unanswered_closes (id, count) values (1, ?)
       on conflict (id) do update set count = count + excluded.count`,
      closed,
    );
    core.coalescer.viewersChanged();
  }
  if (sockets.length > closed && core.current().status !== 'ended') {
    core.store.run('update socket_sweep set due = ?', now + SWEEP_EVERY_MS);
  } else {
    stopSweeps(core);
  }
  return closed;
}

/**
 * On waking from hibernation: workerd may hand back a socket that the look closed, and whose client never
 * answered the close, as open again (hibernation keeps the socket, not that it is closing), and it would be
 * counted as a viewer until the next look. Closes those again. Reads the sockets' attachments only when
 * the look closed some; rewrites how many are left, so the reads stop once their clients are gone.
 */
export function recloseUnanswered(core: SessionCore) {
  if (core.store.unansweredCloses() === 0) return;
  let left = 0;
  for (const ws of core.ctx.getWebSockets()) {
    if (identityOf(ws).closedAt === undefined) continue;
    left += 1;
    if (ws.readyState !== WebSocket.OPEN) continue;
    try {
      ws.close(HEARTBEAT_TIMEOUT_CLOSE, 'heartbeat timeout');
    } catch {}
  }
  if (left === 0) core.store.run('delete from unanswered_closes');
  else core.store.run('update unanswered_closes set count = ?', left);
}
