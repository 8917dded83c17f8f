/**
 * Accepting a viewer's socket: anonymous, or signed in through a single-use ticket; then the first
 * frames (a snapshot, or the missed events when the client says where it left off with `?lastSeq=&epoch=`).
 */
import { ApiError, problemResponse } from '../../src/lib/errors';
import type { SessionCore } from './core';
import { LiveError } from './errors';
import { type Identity, resume, send, snapshotFor } from './sockets';

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

export async function acceptSocket(core: SessionCore, request: Request, onJoin: () => void): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    return problemResponse(new ApiError('upgrade_required', 'Connect with a WebSocket upgrade'));
  }
  // Set by the Worker (liveSocketUpgrade), so a problem's body names the id its header carries.
  const requestId = request.headers.get('x-request-id') ?? undefined;
  const url = new URL(request.url);
  try {
    await core.session(url.pathname.split('/')[3]);
  } catch (error) {
    if (error instanceof LiveError) return problemResponse(new ApiError(error.code, error.message), requestId);
    throw error;
  }
  let identity: Identity = { userId: null, displayName: '', host: false };
  const ticket = url.searchParams.get('ticket');
  if (ticket !== null) {
    const found = consumeTicket(core, ticket);
    if (!found) {
      return problemResponse(new ApiError('unauthorized', 'The ticket is unknown, used or expired'), requestId);
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
    send(server, snapshotFor(core, server));
  }
  if (core.current().status === 'ended') server.close(1000, 'session ended');
  else onJoin();
  return new Response(null, { status: 101, webSocket: client });
}
