/**
 * Chat and its moderation. Messages are history events (replayed on resume, kept for replays); the host
 * removes a message (its text is blanked in the log and a `chat_removed` event follows) or mutes a user.
 */
import type { ChatMessage } from '../live-session.protocol';
import type { SessionCore } from './core';
import { identityOf, sendError } from './sockets';

const CHAT_PER_WINDOW = 5;
const CHAT_WINDOW_MS = 10_000;

export function postChat(core: SessionCore, ws: WebSocket, text: string) {
  const who = identityOf(ws);
  if (!who.userId) return sendError(ws, 'unauthorized', 'Sign in to chat (connect with a ticket)');
  const session = core.current();
  if (session.status === 'ended') return sendError(ws, 'session_ended', 'The session has ended');
  const mute = core.store.one<{ until: number }>('select until from mutes where user_id = ?', who.userId);
  if (mute && mute.until > Date.now()) {
    return sendError(ws, 'muted', `The host muted you until ${new Date(mute.until).toISOString()}`);
  }
  if (!who.host && !allowChat(core, who.userId)) {
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

/**
 * A sliding window per user (CHAT_PER_WINDOW messages per CHAT_WINDOW_MS) in the object's storage, so it
 * outlives eviction and restarts. Every call first drops all posts older than the window (a range delete
 * on the `at` index), so the table only ever holds the last window's posts.
 */
export function allowChat(core: SessionCore, userId: string, now = Date.now()) {
  core.store.run('delete from chat_posts where at <= ?', now - CHAT_WINDOW_MS);
  const recent = core.store.one<{ n: number }>('select count(*) as n from chat_posts where user_id = ?', userId);
  if ((recent?.n ?? 0) >= CHAT_PER_WINDOW) return false;
  core.store.run('insert into chat_posts (user_id, at) values (?, ?)', userId, now);
  return true;
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
  // A mute is otherwise silent: a mistyped id would leave the host believing someone was muted.
  if (!seenHere(core, userId)) return sendError(ws, 'not_found', 'No such user has chatted or is connected here');
  core.store.run(
    'insert into mutes (user_id, until) values (?, ?) on conflict (user_id) do update set until = excluded.until',
    userId,
    Date.now() + minutes * 60_000,
  );
}

/** Whether the user chatted in this session or is connected to it now: who a host can have seen. */
function seenHere(core: SessionCore, userId: string) {
  const chatted = core.store.one(
    "select 1 from events where type = 'chat' and json_extract(data, '$.message.userId') = ? limit 1",
    userId,
  );
  return chatted !== undefined || core.ctx.getWebSockets().some((ws) => identityOf(ws).userId === userId);
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

/** The host's mute of a user in this session, if any (privacy export): when it ends. */
export function mutesOf(core: SessionCore, userId: string): { expiresAt: number }[] {
  return core.store.all<{ expiresAt: number }>('select until as expiresAt from mutes where user_id = ?', userId);
}

/**
 * Erasure: the user's messages lose their text, name and author; their seq stays so history has no gaps. While
 * the show has not ended, viewers watching now already hold those messages: each gets a `chat_removed`, as when
 * the host removes one (an ended show has no viewers; its replay has the redacted log).
 */
export function eraseChat(core: SessionCore, userId: string) {
  const rows = core.store.all<{ seq: number; data: string }>(
    "select seq, data from events where type = 'chat' and json_extract(data, '$.message.userId') = ?",
    userId,
  );
  const tellViewers = core.current().status !== 'ended';
  for (const row of rows) {
    const { message } = JSON.parse(row.data) as { message: ChatMessage };
    redact(core, row.seq, { ...message, userId: null, displayName: 'Deleted user', text: '' });
    if (tellViewers && message.text !== '') core.publish({ type: 'chat_removed', messageId: message.id });
  }
  core.store.run('delete from mutes where user_id = ?', userId);
  core.store.run('delete from tickets where user_id = ?', userId);
  core.store.run('delete from chat_posts where user_id = ?', userId);
  return rows.length;
}
