import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { LiveSession } from '../../durable-objects/live-session';
import { liveStub } from '../../src/services/live-sessions';
import { call, expectProblem } from '../helpers/http';
import { connect, connectAs, liveShow, ticketFor, waitFor } from '../helpers/live';
import { signUp } from '../helpers/users';

describe('tickets', () => {
  it('are single use, for signed-in users, and identify the host', async () => {
    const show = await liveShow();
    const viewer = await signUp();
    expectProblem(await call('POST', `/v1/live-sessions/${show.id}/tickets`), 401);
    expectProblem(
      await call('POST', '/v1/live-sessions/liv_01jd3v8m2k9q4x7n5b6c8d0e1f/tickets', { token: viewer.token }),
      404,
    );
    const ticket = await ticketFor(show.id, viewer.token);
    const first = await connect(show.id, `?ticket=${ticket}`);
    expect((await first.next('snapshot')).you).toEqual({ userId: viewer.id, host: false });
    const reused = await call('GET', `/v1/live-sessions/${show.id}/ws?ticket=${ticket}`, {
      headers: { upgrade: 'websocket' },
    });
    expectProblem(reused, 401);
    // A ticket only opens the session it was issued for.
    const other = await liveShow();
    const elsewhere = await ticketFor(show.id, viewer.token);
    expectProblem(
      await call('GET', `/v1/live-sessions/${other.id}/ws?ticket=${elsewhere}`, { headers: { upgrade: 'websocket' } }),
      401,
    );
    const host = await connectAs(show.id, show.host.token);
    expect((await host.next('snapshot')).you).toEqual({ userId: show.host.id, host: true });
  });

  it('plain GETs of the socket path get 426; unknown sessions 404', async () => {
    const show = await liveShow();
    expectProblem(await call('GET', `/v1/live-sessions/${show.id}/ws`), 426);
    expectProblem(
      await call('GET', '/v1/live-sessions/liv_01jd3v8m2k9q4x7n5b6c8d0e1f/ws', { headers: { upgrade: 'websocket' } }),
      404,
    );
  });
});

describe('chat', () => {
  it('is for signed-in users, ordered in the history, length- and rate-limited', async () => {
    const show = await liveShow();
    const viewer = await signUp();
    const anon = await connect(show.id);
    const me = await connectAs(show.id, viewer.token);
    await anon.next('snapshot');
    await me.next('snapshot');
    anon.send({ type: 'chat', text: 'hi' });
    expect(await anon.next('error')).toMatchObject({ code: 'unauthorized' });
    me.send({ type: 'chat', text: '  hello  ' });
    const chat = await anon.next('chat');
    expect(chat).toMatchObject({
      seq: 2,
      message: { userId: viewer.id, text: 'hello', displayName: expect.any(String) },
    });
    me.send({ type: 'chat', text: 'x'.repeat(501) });
    expect(await me.next('error')).toMatchObject({ code: 'bad_frame' });
    for (let i = 0; i < 6; i++) me.send({ type: 'chat', text: `m${i}` });
    // Only 5 messages fit a 10 s window (one already sent): 4 pass, 2 are refused. Each frame earns the
    // sender exactly one answer (its chat echoed, or an error), so once all 6 are in, nothing else is coming.
    // Frames sent back to back may be handled in any order (separate events), so compare as sets.
    expect(await me.next('error')).toMatchObject({ code: 'rate_limited' });
    expect(await me.next('error')).toMatchObject({ code: 'rate_limited' });
    for (let i = 0; i < 5; i++) await me.next('chat');
    for (let i = 0; i < 4; i++) await anon.next('chat');
    expect(me.all('chat')).toHaveLength(5);
    const texts = anon.all('chat').map((c) => c.message.text);
    expect(texts).toHaveLength(5);
    expect(anon.all('chat').map((c) => c.seq)).toEqual([2, 3, 4, 5, 6]);
    const snapshot = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(snapshot.json.session.chat.map((m: { text: string }) => m.text)).toEqual(texts);
  });

  it('keeps a user’s chat window when the object is re-created (eviction, restart)', async () => {
    const show = await liveShow();
    const viewer = await signUp();
    const me = await connectAs(show.id, viewer.token);
    await me.next('snapshot');
    for (let i = 0; i < 5; i++) {
      me.send({ type: 'chat', text: `m${i}` });
      await me.next('chat');
    }
    // A new instance over the same storage is what an eviction leaves: nothing of the old one's memory.
    await runInDurableObject(liveStub(env, show.id), async (_, state) => {
      const { LiveSession: Fresh } = await import('../../durable-objects/live-session');
      const fresh: LiveSession = new Fresh(state, env);
      const [socket] = state.getWebSockets();
      fresh.webSocketMessage(socket, JSON.stringify({ type: 'chat', text: 'after restart' }));
    });
    expect(await me.next('error')).toMatchObject({ code: 'rate_limited' });
    expect(me.all('chat').map((c) => c.message.text)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('lets the host remove messages and mute users; others cannot', async () => {
    const show = await liveShow();
    const viewer = await signUp();
    const me = await connectAs(show.id, viewer.token);
    const host = await connectAs(show.id, show.host.token);
    await me.next('snapshot');
    await host.next('snapshot');
    me.send({ type: 'chat', text: 'buy crypto' });
    const chat = await host.next('chat');
    me.send({ type: 'remove_chat', messageId: chat.message.id });
    expect(await me.next('error')).toMatchObject({ code: 'forbidden' });
    me.send({ type: 'mute', userId: show.host.id, minutes: 5 });
    expect(await me.next('error')).toMatchObject({ code: 'forbidden' });

    host.send({ type: 'remove_chat', messageId: chat.message.id });
    expect(await me.next('chat_removed')).toMatchObject({ messageId: chat.message.id, seq: chat.seq + 1 });
    host.send({ type: 'remove_chat', messageId: 'msg_404' });
    expect(await host.next('error')).toMatchObject({ code: 'not_found' });
    // A late joiner neither sees it in the snapshot nor reads it in a replay.
    const late = await call('GET', `/v1/live-sessions/${show.id}`);
    expect(late.json.session.chat).toEqual([]);
    const replay = await call('GET', `/v1/live-sessions/${show.id}/replay`);
    const removed = replay.json.data.find((e: { event: { type: string } }) => e.event.type === 'chat');
    expect(removed.event.message.text).toBe('');

    // Frames of different sockets are separate events: let the host's land before the viewer's.
    const muted = () =>
      runInDurableObject(
        liveStub(env, show.id),
        (_, state) => state.storage.sql.exec('select 1 from mutes where user_id = ?', viewer.id).toArray().length === 1,
      );
    host.send({ type: 'mute', userId: viewer.id, minutes: 10 });
    await waitFor(muted, 'the mute');
    me.send({ type: 'chat', text: 'again' });
    expect(await me.next('error')).toMatchObject({ code: 'muted' });
    host.send({ type: 'unmute', userId: viewer.id });
    await waitFor(async () => !(await muted()), 'the unmute');
    me.send({ type: 'chat', text: 'sorry' });
    expect((await host.next('chat')).message.text).toBe('sorry');
  });

  it('tells the host when a mute names no one: a malformed id, or a user never seen in this session', async () => {
    const show = await liveShow();
    const [talker, watcher, stranger] = [await signUp(), await signUp(), await signUp()];
    const host = await connectAs(show.id, show.host.token);
    const talking = await connectAs(show.id, talker.token);
    const watching = await connectAs(show.id, watcher.token);
    await host.next('snapshot');
    await talking.next('snapshot');
    await watching.next('snapshot');
    talking.send({ type: 'chat', text: 'hi' });
    await host.next('chat');
    talking.ws.close(1000);
    await talking.closed;

    host.send({ type: 'mute', userId: 'someone', minutes: 5 });
    expect(await host.next('error')).toMatchObject({ code: 'bad_frame', message: expect.stringContaining('usr_') });
    host.send({ type: 'mute', userId: stranger.id.toUpperCase(), minutes: 5 });
    expect(await host.next('error')).toMatchObject({ code: 'bad_frame' });
    host.send({ type: 'mute', userId: stranger.id, minutes: 5 });
    expect(await host.next('error')).toMatchObject({ code: 'not_found' });

    // Who chatted (now gone) and who is connected (never chatted) are muted, without an error.
    host.send({ type: 'mute', userId: talker.id, minutes: 5 });
    host.send({ type: 'mute', userId: watcher.id, minutes: 5 });
    const mutes = () =>
      runInDurableObject(liveStub(env, show.id), (_, state) =>
        state.storage.sql
          .exec<{ user_id: string }>('select user_id from mutes order by user_id')
          .toArray()
          .map((r) => r.user_id),
      );
    await waitFor(async () => (await mutes()).length === 2, 'both mutes');
    expect(await mutes()).toEqual([talker.id, watcher.id].sort());
    expect(host.all('error')).toHaveLength(3);
  });
});

describe('privacy (exportUser / eraseUser)', () => {
  it('exports a user’s messages and holds, and erases them without leaving seq gaps', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const viewer = await signUp();
    const me = await connectAs(show.id, viewer.token);
    await me.next('snapshot');
    me.send({ type: 'chat', text: 'my words' });
    await me.next('chat');
    const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
      token: viewer.token,
      body: { productId: show.product.id, quantity: 1 },
    });
    const stub = liveStub(env, show.id);
    const exported = await stub.exportUser(viewer.id);
    expect(exported).toMatchObject({
      ok: true,
      value: { sessionId: show.id, chat: [{ text: 'my words' }], holds: [{ id: hold.json.id, quantity: 1 }] },
    });
    expect(await stub.eraseUser(viewer.id)).toMatchObject({ ok: true, value: { messages: 1, holds: 1 } });
    const after = await stub.exportUser(viewer.id);
    expect(after).toMatchObject({ ok: true, value: { chat: [], holds: [] } });
    const replay = await call('GET', `/v1/live-sessions/${show.id}/replay`);
    const seqs = replay.json.data.map((e: { event: { seq: number } }) => e.event.seq);
    expect(seqs).toEqual(seqs.map((_: number, i: number) => i + 1));
    const chat = replay.json.data.find((e: { event: { type: string } }) => e.event.type === 'chat');
    expect(chat.event.message).toMatchObject({ userId: null, text: '', displayName: 'Deleted user' });
  });
});
