import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { REFRESH_REUSE_GRACE_MS } from '../../src/services/sessions';
import { call, expectProblem } from '../helpers/http';
import { signUp } from '../helpers/users';

const refresh = (refreshToken: string) => call('POST', '/v1/auth/refresh', { body: { refreshToken } });

async function auditTypes(userId: string): Promise<string[]> {
  const { results } = await env.DB.prepare('select type from audit_events where user_id = ?')
    .bind(userId)
    .all<{ type: string }>();
  return results.map((r) => r.type);
}

describe('refresh tokens rotate, and reuse revokes the family (a retry within the grace window does not)', () => {
  it('register and login return a refresh token; refresh spends it and returns a new pair', async () => {
    const { email, refreshToken } = await signUp();
    expect(refreshToken).toMatch(/^rt_[\w-]{43}$/);
    const login = await call('POST', '/v1/auth/login', { body: { email, password: 'correct-horse-battery' } });
    expect(login.json.refreshToken).toMatch(/^rt_/);
    expect(login.headers.get('cache-control')).toBe('no-store');

    const first = await refresh(login.json.refreshToken);
    expect(first.status).toBe(200);
    expect(first.json.refreshToken).not.toBe(login.json.refreshToken);
    expect(first.json.user.email).toBe(email);
    expect((await call('GET', '/v1/me', { token: first.json.accessToken })).status).toBe(200);
    const second = await refresh(first.json.refreshToken);
    expect(second.status).toBe(200);
  });

  it('presenting a spent refresh token after its successor was used revokes the whole session', async () => {
    const { refreshToken } = await signUp();
    const next = await refresh(refreshToken);
    expect(next.status).toBe(200);
    const latest = await refresh(next.json.refreshToken);
    expect(latest.status).toBe(200);
    // The thief replays the old token: refused, and the family is revoked.
    expectProblem(await refresh(refreshToken), 401);
    expectProblem(await refresh(latest.json.refreshToken), 401);
    expectProblem(await call('GET', '/v1/me', { token: latest.json.accessToken }), 401);
    expect(await auditTypes(next.json.user.id)).toContain('token.reuse_detected');
  });

  it('presenting a spent refresh token after the grace window revokes the whole session', async () => {
    const { refreshToken } = await signUp();
    const next = await refresh(refreshToken);
    await env.DB.prepare('update refresh_tokens set used_at = used_at - ? where used_at is not null and user_id = ?')
      .bind(REFRESH_REUSE_GRACE_MS + 1000, next.json.user.id)
      .run();
    expectProblem(await refresh(refreshToken), 401);
    expectProblem(await refresh(next.json.refreshToken), 401);
    expectProblem(await call('GET', '/v1/me', { token: next.json.accessToken }), 401);
  });

  it('two refreshes racing with one token (app resume) both get a working pair; the session stays', async () => {
    const user = await signUp();
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    for (const r of [a, b]) expect((await call('GET', '/v1/me', { token: r.json.accessToken })).status).toBe(200);
    // Whichever pair the app stored last goes on working.
    const kept = await refresh(b.json.refreshToken);
    expect(kept.status).toBe(200);
    expect((await call('GET', '/v1/me', { token: kept.json.accessToken })).status).toBe(200);
    expect(await auditTypes(user.id)).not.toContain('token.reuse_detected');
  });

  it('a refresh retried after its answer was lost gets a new pair instead of signing the user out', async () => {
    const user = await signUp();
    const lost = await refresh(user.refreshToken);
    expect(lost.status).toBe(200);
    const retried = await refresh(user.refreshToken);
    expect(retried.status).toBe(200);
    expect(retried.json.refreshToken).not.toBe(lost.json.refreshToken);
    expect((await call('GET', '/v1/me', { token: retried.json.accessToken })).status).toBe(200);
    expect((await refresh(retried.json.refreshToken)).status).toBe(200);
  });

  it('two tokens issued for one (a race) cannot both be used: the second use revokes the session', async () => {
    const user = await signUp();
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    const onA = await refresh(a.json.refreshToken);
    expect(onA.status).toBe(200);
    // A client keeps one of them; someone using the other as well is a copied token.
    expectProblem(await refresh(b.json.refreshToken), 401);
    expectProblem(await call('GET', '/v1/me', { token: onA.json.accessToken }), 401);
    expect(await auditTypes(user.id)).toContain('token.reuse_detected');
  });

  it('an Idempotency-Key does not replay a refresh: the second request runs and issues its own pair', async () => {
    const { refreshToken } = await signUp();
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const next = await call('POST', '/v1/auth/refresh', { body: { refreshToken }, headers });
    expect(next.status).toBe(200);
    const again = await call('POST', '/v1/auth/refresh', { body: { refreshToken }, headers });
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(200);
    expect(again.json.refreshToken).not.toBe(next.json.refreshToken);
  });

  it('concurrent refreshes with one token: each gets its own pair, and only one of them may be used on', async () => {
    const { refreshToken } = await signUp();
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(refreshToken)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.json.refreshToken)).size).toBe(8);
    expect((await refresh(results[3].json.refreshToken)).status).toBe(200);
    expectProblem(await refresh(results[5].json.refreshToken), 401);
  });

  it('rejects unknown, malformed and missing refresh tokens', async () => {
    expectProblem(await refresh('rt_unknown-token-unknown-token-unknown-token-xx'), 401);
    expectProblem(await call('POST', '/v1/auth/refresh', { body: {} }), 400);
    expectProblem(await call('POST', '/v1/auth/refresh', { body: { refreshToken: 'x', extra: true } }), 400);
    const { token } = await signUp();
    // An access token is not a refresh token (and is longer than any refresh token).
    expectProblem(await refresh(token), 400);
    expectProblem(await refresh(token.slice(0, 150)), 401);
  });
});

describe('logout and sessions (devices)', () => {
  it('logout revokes the session: 204, then neither token works', async () => {
    const { token, refreshToken } = await signUp();
    const res = await call('POST', '/v1/auth/logout', { body: { refreshToken } });
    expect(res.status).toBe(204);
    expectProblem(await call('GET', '/v1/me', { token }), 401);
    expectProblem(await refresh(refreshToken), 401);
    // Idempotent, and says nothing about unknown tokens.
    expect((await call('POST', '/v1/auth/logout', { body: { refreshToken } })).status).toBe(204);
    expect((await call('POST', '/v1/auth/logout', { body: { refreshToken: 'rt_nope' } })).status).toBe(204);
  });

  it('an expired or revoked access token sent along does not stop sign-in, refresh or logout', async () => {
    // A client's interceptor puts the last access token on every request; by the time the user signs out it
    // has often expired. Logout must still revoke the device's refresh token.
    const { email, token, refreshToken } = await signUp();
    const stale = { Authorization: 'Bearer not-a-valid-token' };
    const login = await call('POST', '/v1/auth/login', {
      headers: stale,
      body: { email, password: 'correct-horse-battery' },
    });
    expect(login.status).toBe(200);
    const refreshed = await call('POST', '/v1/auth/refresh', { headers: stale, body: { refreshToken } });
    expect(refreshed.status).toBe(200);
    const out = await call('POST', '/v1/auth/logout', {
      headers: stale,
      body: { refreshToken: refreshed.json.refreshToken },
    });
    expect(out.status).toBe(204);
    expectProblem(await refresh(refreshed.json.refreshToken), 401);
    expectProblem(await call('GET', '/v1/me', { token: refreshed.json.accessToken }), 401);
    // A revoked (not merely malformed) token is ignored there too; elsewhere it is still a 401.
    const again = await call('POST', '/v1/auth/login', {
      token,
      body: { email, password: 'correct-horse-battery' },
    });
    expect(again.status).toBe(200);
    expectProblem(await call('GET', '/v1/products', { token }), 401);
    // Nor does it fail a health probe, which has no user at all.
    expect((await call('GET', '/health/live', { headers: stale })).status).toBe(200);
  });

  it('lists my devices and revokes one; the others keep working', async () => {
    const { email, token: phone } = await signUp();
    const laptop = await call('POST', '/v1/auth/login', {
      body: { email, password: 'correct-horse-battery' },
      headers: { 'x-device': 'web', 'user-agent': 'Firefox/140' },
    });
    const list = await call('GET', '/v1/me/sessions', { token: phone });
    expect(list.status).toBe(200);
    expect(list.json.data).toHaveLength(2);
    const web = list.json.data.find((s: { device: string }) => s.device === 'web');
    expect(web).toMatchObject({ method: 'password', userAgent: 'Firefox/140', current: false });
    expect(list.json.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    expect((await call('DELETE', `/v1/me/sessions/${web.id}`, { token: phone })).status).toBe(204);
    expectProblem(await call('GET', '/v1/me', { token: laptop.json.accessToken }), 401);
    expectProblem(await refresh(laptop.json.refreshToken), 401);
    expect((await call('GET', '/v1/me', { token: phone })).status).toBe(200);
    expect((await call('GET', '/v1/me/sessions', { token: phone })).json.data).toHaveLength(1);
  });

  it("someone else's session is a 404 and stays live", async () => {
    const a = await signUp();
    const b = await signUp();
    const [bSession] = (await call('GET', '/v1/me/sessions', { token: b.token })).json.data;
    expectProblem(await call('DELETE', `/v1/me/sessions/${bSession.id}`, { token: a.token }), 404);
    expect((await call('GET', '/v1/me', { token: b.token })).status).toBe(200);
    expectProblem(await call('DELETE', '/v1/me/sessions/not-an-id', { token: a.token }), 400);
    expectProblem(await call('GET', '/v1/me/sessions'), 401);
  });

  it('sign out everywhere stops every token at once', async () => {
    const { email, token } = await signUp();
    const other = await call('POST', '/v1/auth/login', { body: { email, password: 'correct-horse-battery' } });
    expect((await call('DELETE', '/v1/me/sessions', { token })).status).toBe(204);
    expectProblem(await call('GET', '/v1/me', { token }), 401);
    expectProblem(await call('GET', '/v1/me', { token: other.json.accessToken }), 401);
    expectProblem(await refresh(other.json.refreshToken), 401);
  });
});
