/**
 * Chat and its moderation. Messages are history events (replayed on resume, kept for replays); the host
 * removes a message (its text is blanked in the log and a `chat_removed` event follows) or mutes a user.
 */
import type { ChatMessage } from '../live-session.protocol';
import type { SessionCore } from './core';
import { identityOf, type Limits, sendError } from './sockets';

export function postChat(core: SessionCore, limits: Limits, ws: WebSocket, text: string) {
  const who = identityOf(ws);
  if (!who.userId) return sendError(ws, 'unauthorized', 'Sign in to chat (connect with a ticket)');
  const session = core.current();
  if (session.status === 'ended') return sendError(ws, 'session_ended', 'The session has ended');
  const mute = core.store.one<{ until: number }>('select until from mutes where user_id = ?', who.userId);
  if (mute && mute.until > Date.now()) {
    return sendError(ws, 'muted', `The host muted you until ${new Date(mute.until).toISOString()}`);
  }
  if (!who.host && !limits.allowChat(who.userId)) {
    return sendError(ws, 'rate_limited', 'Too many chat messages; wait a few seconds');
  }
  const at = Date.now();
  const message: ChatMessage = {
    id: `msg_${session.seq + 1}`,
    userId: who.userId,
    displayName: who.displayName,
    text,
    at,
  };
  core.publish({ type: 'chat', message });
}

export function removeChat(core: SessionCore, ws: WebSocket, messageId: string) {
  if (!identityOf(ws).host) return sendError(ws, 'forbidden', 'Only the host can remove messages');
  const row = core.store.one<{ seq: number; data: string }>(
    "select seq, data from events where type = 'chat' and json_extract(data, '$.message.id') = ?",
    messageId,
  );
  if (!row) return sendError(ws, 'not_found', 'No such message');
  const data = JSON.parse(row.data) as { message: ChatMessage };
  if (data.message.text === '') return; // already removed
  redact(core, row.seq, { ...data.message, text: '' });
  core.publish({ type: 'chat_removed', messageId });
}

function redact(core: SessionCore, seq: number, message: ChatMessage) {
  core.store.run('update events set data = ? where seq = ?', JSON.stringify({ message }), seq);
}

export function muteUser(core: SessionCore, ws: WebSocket, userId: string, minutes: number | null) {
  if (!identityOf(ws).host) return sendError(ws, 'forbidden', 'Only the host can mute');
  if (minutes === null) {
    core.store.run('delete from mutes where user_id = ?', userId);
    return;
  }
  core.store.run(
    'insert into mutes (user_id, until) values (?, ?) on conflict (user_id) do update set until = excluded.until',
    userId,
    Date.now() + minutes * 60_000,
  );
}

/** A user's chat messages in this session (privacy export). */
export function chatOf(core: SessionCore, userId: string): ChatMessage[] {
  return core.store
    .all<{ data: string }>(
      "select data from events where type = 'chat' and json_extract(data, '$.message.userId') = ? order by seq",
      userId,
    )
    .map((row) => (JSON.parse(row.data) as { message: ChatMessage }).message);
}

/** Erasure: the user's messages lose their text, name and author; their seq stays so history has no gaps. */
export function eraseChat(core: SessionCore, userId: string) {
  const rows = core.store.all<{ seq: number; data: string }>(
    "select seq, data from events where type = 'chat' and json_extract(data, '$.message.userId') = ?",
    userId,
  );
  for (const row of rows) {
    const { message } = JSON.parse(row.data) as { message: ChatMessage };
    redact(core, row.seq, { ...message, userId: null, displayName: 'Deleted user', text: '' });
  }
  core.store.run('delete from mutes where user_id = ?', userId);
  core.store.run('delete from tickets where user_id = ?', userId);
  return rows.length;
}
