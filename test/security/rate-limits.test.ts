import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../durable-objects/rate-limiter';
import { callWithEnv } from '../helpers/app-env';
import { call, expectProblem } from '../helpers/http';
import { signUp } from '../helpers/users';

/** Calls the app with tighter limits than wrangler.toml's local defaults; bindings stay real. */
function callWithLimits(limits: Partial<Env>, method: string, path: string, address: string, body?: unknown) {
  return callWithEnv(limits, method, path, { body, headers: { 'cf-connecting-ip': address } });
}

const login = (email: string, password: string, address = '198.51.100.7') =>
  call('POST', '/v1/auth/login', { body: { email, password }, headers: { 'cf-connecting-ip': address } });

describe('per-account back-off after failed logins (always on)', () => {
  it('locks the account after 5 failures with 429 + Retry-After, even for the right password', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 4; i++) expectProblem(await login(email, 'wrong-password!'), 401);
    // The fifth failure is still a 401 but starts the lock-out.
    expectProblem(await login(email, 'wrong-password!'), 401);
    const locked = expectProblem(await login(email, 'correct-horse-battery'), 429);
    expect(locked.code).toBe('rate_limited');
    const res = await login(email, 'correct-horse-battery', '203.0.113.99');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  });

  it('treats unknown accounts the same way, so the lock reveals nothing', async () => {
    for (let i = 0; i < 5; i++) expectProblem(await login('nobody-here@test.dev', 'wrong-password!'), 401);
    expectProblem(await login('nobody-here@test.dev', 'wrong-password!'), 429);
  });

  it('backs off exponentially and forgets failures after a success', async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName('test:backoff'));
    const policy = { freeAttempts: 2, baseSeconds: 30, maxSeconds: 900 };
    const t0 = 1_800_000_000_000;
    const locks = [];
    for (let i = 0; i < 8; i++) locks.push(await stub.loginFailed(policy, t0 + i));
    expect(locks).toEqual([0, 30, 60, 120, 240, 480, 900, 900]);
    expect(await stub.loginCheck(t0 + 10)).toBe(900);
    await stub.loginSucceeded();
    expect(await stub.loginCheck(t0 + 10)).toBe(0);
  });

  it('a successful login resets the count', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 4; i++) await login(email, 'wrong-password!');
    expect((await login(email, 'correct-horse-battery')).status).toBe(200);
    for (let i = 0; i < 4; i++) expectProblem(await login(email, 'wrong-password!'), 401);
    expect((await login(email, 'correct-horse-battery')).status).toBe(200);
  });
});

describe('per-address limits with RateLimit headers', () => {
  it('counts auth calls per address exactly, then answers 429 with the IETF draft headers', async () => {
    const limits = { RATE_LIMIT_AUTH: '3/60' };
    const body = { refreshToken: 'rt_whatever' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => callWithLimits(limits, 'POST', '/v1/auth/logout', '192.0.2.10', body)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([204, 204, 204, 429, 429, 429]);
    const ok = results.find((r) => r.status === 204)!;
    expect(ok.headers.get('ratelimit-policy')).toBe('"auth";q=3;w=60');
    expect(ok.headers.get('ratelimit')).toMatch(/^"auth";r=[0-2];t=\d+$/);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit')).toMatch(/^"auth";r=0;t=\d+$/);
    // Another address has its own budget.
    expect((await callWithLimits(limits, 'POST', '/v1/auth/logout', '192.0.2.11', body)).status).toBe(204);
  });

  it('limits writes but never reads', async () => {
    const { token } = await signUp();
    const limits = { RATE_LIMIT_WRITES: '2/60' };
    const address = '192.0.2.20';
    const patch = async () =>
      (
        await callWithEnv(limits, 'PATCH', '/v1/me', {
          token,
          body: { displayName: 'x' },
          headers: { 'cf-connecting-ip': address },
        })
      ).status;
    expect(await patch()).toBe(200);
    expect(await patch()).toBe(200);
    expect(await patch()).toBe(429);
    for (let i = 0; i < 5; i++) {
      const read = await callWithLimits(limits, 'GET', '/health', address);
      expect(read.status).toBe(200);
      expect(read.headers.get('ratelimit')).toBeNull();
    }
  });

  it('checks the limit and the token together: a spent address gets 429 whatever its token, else a bad token 401', async () => {
    const { token } = await signUp();
    const limits = { RATE_LIMIT_WRITES: '1/60' };
    const patch = (bearer: string, address: string) =>
      callWithEnv(limits, 'PATCH', '/v1/me', {
        token: bearer,
        body: { displayName: 'y' },
        headers: { 'cf-connecting-ip': address },
      });
    // The refused request still counts: the address spent its one write on a bad token.
    expectProblem(await patch('not-a-token', '192.0.2.40'), 401);
    expectProblem(await patch('not-a-token', '192.0.2.40'), 429);
    expectProblem(await patch(token, '192.0.2.40'), 429);
    const ok = await patch(token, '192.0.2.41');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit')).toMatch(/^"write";r=0;t=\d+$/);
  });

  it('"off" disables a policy', async () => {
    const res = await callWithLimits({ RATE_LIMIT_AUTH: 'off' }, 'POST', '/v1/auth/logout', '192.0.2.30', {
      refreshToken: 'rt_x',
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('ratelimit-policy')).toBeNull();
  });

  it('the local defaults let a suite create dozens of accounts a minute from one address', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, () => signUp()));
    expect(results).toHaveLength(30);
  });

  it('counts per window, and the counts outlive the object in memory', async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName('test:window'));
    const t0 = 1_800_000_000_000;
    expect(await stub.hit('p', 2, 60, t0)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await stub.hit('p', 2, 60, t0 + 1)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await stub.hit('p', 2, 60, t0 + 2)).toMatchObject({ allowed: false, remaining: 0 });
    expect(await stub.hit('p', 2, 60, t0 + 60_000)).toMatchObject({ allowed: true, remaining: 1 });
    // A new instance over the same storage (as after an eviction) goes on counting from what was stored.
    await runInDurableObject(stub, async (_instance: RateLimiter, state) => {
      const fresh = new RateLimiter(state, env);
      expect(await fresh.hit('p', 2, 60, t0 + 60_001)).toMatchObject({ allowed: true, remaining: 0 });
      expect(await fresh.hit('p', 2, 60, t0 + 60_002)).toMatchObject({ allowed: false });
    });
  });
});
