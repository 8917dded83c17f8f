import { describe, expect, it } from 'vitest';
import { callWithEnv } from '../helpers/app-env';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { signUp, signUpAdmin } from '../helpers/users';

const PASSWORD = 'correct-horse-battery';

describe('admins only by configuration, on every sign-in', () => {
  it('promotes on login when ADMIN_EMAILS names the account, demotes when it no longer does; both audited', async () => {
    const { id, email } = await signUp('creator');
    const config = { ADMIN_EMAILS: `admin@showroom.test, ${email.toUpperCase()}` };
    const promoted = await callWithEnv(config, 'POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(promoted.json.user.role).toBe('admin');

    // Config changes back: the admin token stops being an admin on the very next request...
    const audit = await call('GET', '/v1/admin/audit', { token: promoted.json.accessToken });
    expectProblem(audit, 403);
    // ...and the next sign-in writes the demotion.
    const demoted = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(demoted.json.user.role).toBe('shopper');

    const admin = await signUpAdmin();
    const events = await call('GET', `/v1/admin/audit?type=role.changed&userId=${id}`, { token: admin.token });
    expect(events.status).toBe(200);
    expect(events.json.data.map((e: { details: unknown }) => e.details)).toEqual([
      { from: 'admin', to: 'shopper', reason: 'ADMIN_EMAILS' },
      { from: 'creator', to: 'admin', reason: 'ADMIN_EMAILS' },
    ]);
  });

  it('applies the role on refresh too', async () => {
    const { email, refreshToken } = await signUp();
    const res = await callWithEnv({ ADMIN_EMAILS: email }, 'POST', '/v1/auth/refresh', { body: { refreshToken } });
    expect(res.json.user.role).toBe('admin');
    const audit = await callWithEnv({ ADMIN_EMAILS: email }, 'GET', '/v1/admin/audit', {
      token: res.json.accessToken,
    });
    expect(audit.status).toBe(200);
  });
});

describe('GET /v1/admin/audit', () => {
  it('records sign-ins, failures, reuse and revocations without secrets or full emails', async () => {
    const { id, email, refreshToken } = await signUp();
    await call('POST', '/v1/auth/login', { body: { email, password: 'wrong-password-123' } });
    const next = await call('POST', '/v1/auth/refresh', { body: { refreshToken } });
    // Reuse once the family moved on (a retry before that is tolerated).
    await call('POST', '/v1/auth/refresh', { body: { refreshToken: next.json.refreshToken } });
    await call('POST', '/v1/auth/refresh', { body: { refreshToken } });
    const admin = await signUpAdmin();

    const res = await call('GET', '/v1/admin/audit?limit=100', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    const mine = res.json.data.filter((e: { userId: string }) => e.userId === id).map((e: { type: string }) => e.type);
    expect(mine).toEqual(expect.arrayContaining(['account.registered', 'token.reuse_detected']));
    const failed = res.json.data.find((e: { type: string; details: { email?: string } }) => e.type === 'login.failed');
    expect(failed.details.email).toMatch(/^s\*\*\*@test\.dev$/);
    for (const secret of [
      email,
      'wrong-password-123',
      PASSWORD,
      refreshToken,
      next.json.refreshToken,
      next.json.accessToken,
    ]) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('paginates newest first with a cursor', async () => {
    for (let i = 0; i < 3; i++) await signUp();
    const admin = await signUpAdmin();
    const first = await call('GET', '/v1/admin/audit?limit=2', { token: admin.token });
    expect(first.json.data).toHaveLength(2);
    expect(first.json.nextCursor).toBeTypeOf('string');
    const second = await call('GET', `/v1/admin/audit?limit=2&cursor=${first.json.nextCursor}`, { token: admin.token });
    expect(second.json.data).toHaveLength(2);
    const ids = [...first.json.data, ...second.json.data].map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(4);
    expect([...ids].sort().reverse()).toEqual(ids);
    expectProblem(await call('GET', '/v1/admin/audit?cursor=garbage', { token: admin.token }), 400);
    expectProblem(await call('GET', '/v1/admin/audit?limit=1000', { token: admin.token }), 400);
  });

  it('refuses a cursor taken under other filters, naming the cursor', async () => {
    const users = [await signUp(), await signUp(), await signUp()];
    const admin = await signUpAdmin();
    const get = (query: string) => call('GET', `/v1/admin/audit?limit=1&${query}`, { token: admin.token });
    const first = await get('type=account.registered');
    const cursor = first.json.nextCursor;
    expect(cursor).toBeTypeOf('string');
    for (const other of [
      '',
      'type=login.failed',
      `userId=${users[0].id}`,
      `type=account.registered&userId=${users[0].id}`,
    ]) {
      expectInvalidCursor(await get(`${other}&cursor=${cursor}`));
    }
    const same = await get(`type=account.registered&cursor=${cursor}`);
    expect(same.status).toBe(200);
    expect(same.json.data).toEqual([expect.objectContaining({ type: 'account.registered' })]);
    expect(same.json.data[0].id).not.toBe(first.json.data[0].id);
  });

  it('is for admins only: 401 without a token, 403 for shoppers and creators', async () => {
    expectProblem(await call('GET', '/v1/admin/audit'), 401);
    expectProblem(await call('GET', '/v1/admin/audit', { token: (await signUp()).token }), 403);
    expectProblem(await call('GET', '/v1/admin/audit', { token: (await signUp('creator')).token }), 403);
  });
});
