// Erasure when a live session's object cannot do its part: the erasure completes anyway, remembers the
// session, and the maintenance cron finishes the object's part once it can (privacy/live-resume.ts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { liveStub, recordParticipant, unwrap } from '../../src/services/live-sessions';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { call } from '../helpers/http';
import { breakTable, connectAs, hold, liveShow, restoreTable } from '../helpers/live';
import { signUp } from '../helpers/users';

/** What the session's object still keeps about the user. */
const storedAbout = async (sessionId: string, userId: string) => {
  const { chat, holds } = unwrap(await liveStub(env, sessionId).exportUser(userId));
  return { chat: chat.length, holds: holds.length };
};

const participation = async (userId: string) =>
  (
    await env.DB.prepare('select session_id as id from live_participants where user_id = ? order by session_id')
      .bind(userId)
      .all<{ id: string }>()
  ).results.map((row) => row.id);

/** The user's participation rows, and whether each is marked as left by an erasure for the cron. */
const marks = async (userId: string) =>
  (
    await env.DB.prepare(
      'select session_id as id, erasure_left_at is not null as left from live_participants where user_id = ? order by session_id',
    )
      .bind(userId)
      .all<{ id: string; left: number }>()
  ).results;

/** Runs the UPDATE statements of the migration that introduced the mark, as on a database that had such rows. */
const rerunMarkMigration = async () => {
  const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith('0018_'));
  const updates = migration?.queries.filter((q) => /^\s*update\b/i.test(q.replace(/^\s*--.*$/gm, ''))) ?? [];
  expect(updates).toHaveLength(1);
  for (const query of updates) await env.DB.prepare(query).run();
};

const sessionStatus = async (sessionId: string) =>
  (await env.DB.prepare('select status from live_sessions where id = ?').bind(sessionId).first())?.status;

const auditCounts = async (userId: string) => {
  const row = await env.DB.prepare("select details from audit_events where user_id = ? and type = 'account.erased'")
    .bind(userId)
    .first<{ details: string }>();
  return row && JSON.parse(row.details).counts;
};

describe('erasure with a session object that fails', () => {
  it('completes without it, keeps its participation, and the cron erases the user from it later', async () => {
    const reachable = await liveShow();
    const broken = await liveShow();
    const sam = await signUp();
    const viewer = await connectAs(reachable.id, sam.token);
    viewer.send({ type: 'chat', text: 'hello from sam' });
    await viewer.next('chat');
    await hold(broken.id, sam.token, broken.product.id, 1);
    // The hold alone leads erasure to the broken session; the row that remembers it must be written.
    await env.DB.prepare('delete from live_participants where user_id = ? and session_id = ?')
      .bind(sam.id, broken.id)
      .run();
    await breakTable(broken.id, 'chat_posts');

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    const account = await env.DB.prepare('select display_name, password_hash from users where id = ?')
      .bind(sam.id)
      .first();
    expect(account).toEqual({ display_name: 'Deleted user', password_hash: '!erased' });
    expect(await storedAbout(reachable.id, sam.id)).toEqual({ chat: 0, holds: 0 });
    expect(await storedAbout(broken.id, sam.id)).toMatchObject({ holds: 1 });
    expect(await participation(sam.id)).toEqual([broken.id]);
    expect((await auditCounts(sam.id)).live).toMatchObject({ sessions: 2, sessionsLeft: 1 });

    // Still failing: the cron leaves the row for the next run.
    await runScheduledMaintenance(env);
    expect(await participation(sam.id)).toEqual([broken.id]);

    await restoreTable(broken.id, 'chat_posts');
    expect((await runScheduledMaintenance(env)).finishedErasures).toMatchObject({ sessions: 1 });
    expect(await participation(sam.id)).toEqual([]);
    expect(await storedAbout(broken.id, sam.id)).toEqual({ chat: 0, holds: 0 });
  });

  it('marks a participation the user already had, and the cron finishes it', async () => {
    const broken = await liveShow();
    const other = await liveShow();
    const sam = await signUp();
    const viewer = await connectAs(broken.id, sam.token);
    viewer.send({ type: 'chat', text: 'hello from sam' });
    await viewer.next('chat');
    // Someone else still taking part: their row is no erasure's, so never the cron's.
    const ada = await signUp();
    await connectAs(other.id, ada.token);
    expect(await marks(sam.id)).toEqual([{ id: broken.id, left: 0 }]);
    await breakTable(broken.id, 'chat_posts');

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    expect(await marks(sam.id)).toEqual([{ id: broken.id, left: 1 }]);
    expect(await marks(ada.id)).toEqual([{ id: other.id, left: 0 }]);

    await restoreTable(broken.id, 'chat_posts');
    expect((await runScheduledMaintenance(env)).finishedErasures).toMatchObject({ sessions: 1 });
    expect(await marks(sam.id)).toEqual([]);
    expect(await marks(ada.id)).toEqual([{ id: other.id, left: 0 }]);
    expect(await storedAbout(broken.id, sam.id)).toEqual({ chat: 0, holds: 0 });
  });

  it('marks a participation a request already in flight records after the erasure, so the cron still finds it', async () => {
    const show = await liveShow();
    const sam = await signUp();
    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    // A hold or ticket request that passed sign-in before the erasure records sam's participation after it.
    await createDb(env.DB).batch([recordParticipant(createDb(env.DB), show.id, sam.id)]);
    expect(await marks(sam.id)).toEqual([{ id: show.id, left: 1 }]);
    expect((await runScheduledMaintenance(env)).finishedErasures).toMatchObject({ sessions: 1 });
    expect(await marks(sam.id)).toEqual([]);
    // Anyone not erased is recorded unmarked, as before.
    const ada = await signUp();
    await createDb(env.DB).batch([recordParticipant(createDb(env.DB), show.id, ada.id)]);
    expect(await marks(ada.id)).toEqual([{ id: show.id, left: 0 }]);
  });

  it('finishes a row an erasure left before rows were marked: the migration marks it', async () => {
    const broken = await liveShow();
    const sam = await signUp();
    await hold(broken.id, sam.token, broken.product.id, 1);
    await breakTable(broken.id, 'chat_posts');
    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);
    await restoreTable(broken.id, 'chat_posts');
    // As such a row was before the mark existed: the cron does not see it.
    await env.DB.prepare('update live_participants set erasure_left_at = null where user_id = ?').bind(sam.id).run();
    await runScheduledMaintenance(env);
    expect(await marks(sam.id)).toEqual([{ id: broken.id, left: 0 }]);

    await rerunMarkMigration();
    expect(await marks(sam.id)).toEqual([{ id: broken.id, left: 1 }]);
    expect((await runScheduledMaintenance(env)).finishedErasures).toMatchObject({ sessions: 1 });
    expect(await marks(sam.id)).toEqual([]);
    expect(await storedAbout(broken.id, sam.id)).toEqual({ chat: 0, holds: 0 });
  });

  it('completes when a hosted show cannot be ended; the cron ends it later', async () => {
    const show = await liveShow();
    // Its first step fails: the object does not end the show either.
    await breakTable(show.id, 'flash_sales');

    expect((await call('DELETE', '/v1/me', { token: show.host.token })).status).toBe(204);
    expect(await sessionStatus(show.id)).toBe('live');
    expect((await auditCounts(show.host.id)).live).toMatchObject({ showsEnded: 0, showsLeft: 1 });

    await restoreTable(show.id, 'flash_sales');
    expect((await runScheduledMaintenance(env)).finishedErasures).toMatchObject({ shows: 1 });
    expect(await sessionStatus(show.id)).toBe('ended');
  });

  it('brings D1 up to date for a hosted show its object ended but D1 still has as live', async () => {
    const show = await liveShow();
    expect((await call('POST', `/v1/live-sessions/${show.id}/end`, { token: show.host.token })).status).toBe(200);
    await env.DB.prepare("update live_sessions set status = 'live', ended_at = null where id = ?").bind(show.id).run();
    expect((await call('DELETE', '/v1/me', { token: show.host.token })).status).toBe(204);

    await runScheduledMaintenance(env);
    const row = await env.DB.prepare('select status, ended_at from live_sessions where id = ?').bind(show.id).first();
    expect(row).toEqual({ status: 'ended', ended_at: expect.any(Number) });
  });
});
