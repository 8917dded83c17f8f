/**
 * Accepting a viewer's socket: anonymous, or signed in through a single-use ticket; then the first
 * frames (a snapshot, or the missed events when the client says where it left off with `?lastSeq=&epoch=`).
 */
import { ApiError, problemResponse } from '../../src/lib/errors';
import { apiAnswerHeaders, requestIdOf } from '../../src/lib/upgrade-headers';
import type { SessionCore } from './core';
import { LiveError } from './errors';
import { armSweep } from './heartbeats';
import { type Identity, resume, sendFrame, snapshotFrame } from './sockets';

export const TICKET_TTL_MS = 60_000;

/** A random single-use ticket for a signed-in user, stored in this object (so it opens only this session). */
export function issueTicket(core: SessionCore, input: Identity & { userId: string }) {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const ticket = btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_');
  const expiresAt = Date.now() + TICKET_TTL_MS;
  core.store.run('delete from tickets where expires_at < ?', Date.now());
  core.store.run(
    'insert into tickets (ticket, user_id, display_name, host, expires_at) values (?, ?, ?, ?, ?)',
    ticket,
    input.userId,
    input.displayName,
    input.host ? 1 : 0,
    expiresAt,
  );
  return { ticket, expiresAt };
}

/** Takes a ticket out of storage (single use); undefined when unknown or expired. */
function consumeTicket(core: SessionCore, ticket: string): Identity | undefined {
  const row = core.store.one<{ user_id: string; display_name: string; host: number; expires_at: number }>(
    'delete from tickets where ticket = ? returning user_id, display_name, host, expires_at',
    ticket,
  );
  if (!row || row.expires_at < Date.now()) return undefined;
  return { userId: row.user_id, displayName: row.display_name, host: row.host === 1 };
}

/** A problem answer with the API's headers (the Worker passes upgrades through untouched). */
async function refuse(error: ApiError, requestId: string) {
  const res = problemResponse(error, requestId);
  const headers = await apiAnswerHeaders(requestId);
  res.headers.forEach((value, name) => {
    headers.set(name, value);
  });
  return new Response(res.body, { status: res.status, headers });
}

export async function acceptSocket(core: SessionCore, request: Request): Promise<Response> {
  const requestId = requestIdOf(request);
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    return refuse(new ApiError('upgrade_required', 'Connect with a WebSocket upgrade'), requestId);
  }
  const url = new URL(request.url);
  try {
    await core.session(url.pathname.split('/')[3]);
  } catch (error) {
    if (error instanceof LiveError) return refuse(new ApiError(error.code, error.message), requestId);
    throw error;
  }
  let identity: Identity = { userId: null, displayName: '', host: false };
  const ticket = url.searchParams.get('ticket');
  if (ticket !== null) {
    const found = consumeTicket(core, ticket);
    if (!found) {
      return refuse(new ApiError('unauthorized', 'The ticket is unknown, used or expired'), requestId);
    }
    identity = found;
  }
  const { 0: client, 1: server } = new WebSocketPair();
  core.ctx.acceptWebSocket(server);
  server.serializeAttachment(identity);

  const lastSeq = Number(url.searchParams.get('lastSeq'));
  const epoch = Number(url.searchParams.get('epoch'));
  if (url.searchParams.has('lastSeq') && Number.isInteger(lastSeq) && lastSeq >= 0 && Number.isInteger(epoch)) {
    resume(core, server, lastSeq, epoch);
  } else {
    sendFrame(server, snapshotFrame(core, server));
  }
  if (core.current().status === 'ended') server.close(1000, 'session ended');
  else {
    core.coalescer.viewersChanged();
    await armSweep(core);
  }
  // Only the request id: the security headers govern how a browser treats a body (sniffing, framing, CSP),
  // and a 101 has none. Each header of a 101 is kept for the connection's life, about 1 KiB per header and
  // viewer here (bench:live measured 105 → 118 KiB per viewer with the full set).
  return new Response(null, { status: 101, webSocket: client, headers: { 'X-Request-Id': requestId } });
}
