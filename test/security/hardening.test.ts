import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonDepth } from '../../src/lib/hardening';
import { log } from '../../src/lib/logger';
import { callWithEnv } from '../helpers/app-env';
import { call, expectProblem } from '../helpers/http';
import { signUp } from '../helpers/users';

const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;

describe('input hardening', () => {
  it('measures JSON depth without counting brackets inside strings', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonDepth('"\\"{"')).toBe(0);
    expect(jsonDepth(nested(21))).toBe(21);
  });

  it('refuses JSON nested deeper than 20 levels with a 400 problem', async () => {
    const { token } = await signUp();
    const res = expectProblem(await call('PATCH', '/v1/me', { token, body: nested(50) }), 400);
    expect(res.detail).toMatch(/deeper than 20/);
    const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expectProblem(await call('POST', '/v1/auth/login', { body: deepArray }), 400);
  });

  it('refuses __proto__, constructor and prototype keys at any depth', async () => {
    const { token } = await signUp();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const body = `{"preferences":{"consents":{"${key}":{"isAdmin":true}}}}`;
      const res = expectProblem(await call('PATCH', '/v1/me', { token, body }), 400);
      expect(res.detail).toContain(key);
    }
    const login = `{"email":"a@b.co","password":"x","__proto__":{"role":"admin"}}`;
    expectProblem(await call('POST', '/v1/auth/login', { body: login }), 400);
    const me = await call('GET', '/v1/me', { token });
    expect(me.json.role).toBe('shopper');
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('drops nothing silently: unknown fields are rejected, never stored', async () => {
    const { token } = await signUp();
    expectProblem(await call('PATCH', '/v1/me', { token, body: { preferences: { theme: 'dark' } } }), 400);
    expectProblem(await call('PATCH', '/v1/me', { token, body: { preferences: { consents: { sell: true } } } }), 400);
  });

  it('answers an oversized body with a 413 problem carrying the security headers', async () => {
    const res = await call('POST', '/v1/auth/register', { body: { email: 'x'.repeat(70_000) } });
    expectProblem(res, 413);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends security headers on every response, errors and 429s included', async () => {
    const responses = [
      await call('GET', '/health'),
      await call('GET', '/v1/me'),
      await call('GET', '/v1/nope'),
      await callWithEnv({ RATE_LIMIT_AUTH: '0/60' }, 'POST', '/v1/auth/logout', { body: { refreshToken: 'rt_x' } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 404, 429]);
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-frame-options')).toBeTruthy();
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('allows CORS only for configured origins', async () => {
    const config = { CORS_ORIGINS: 'https://shop.example, https://console.example' };
    const preflight = (origin: string) =>
      callWithEnv(config, 'OPTIONS', '/v1/me', {
        headers: {
          origin,
          'access-control-request-method': 'PATCH',
          'access-control-request-headers': 'authorization',
        },
      });
    expect((await preflight('https://console.example')).headers.get('access-control-allow-origin')).toBe(
      'https://console.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('null')).headers.get('access-control-allow-origin')).toBeNull();
    const simple = await callWithEnv(config, 'GET', '/health', { headers: { origin: 'https://shop.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('logs never contain passwords, tokens or full emails', () => {
  afterEach(() => vi.restoreAllMocks());

  function captureLogs() {
    const lines: string[] = [];
    const push = (...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    };
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation(push);
    return lines;
  }

  it('across registration, failed and successful logins, refresh, logout and errors', async () => {
    const lines = captureLogs();
    const email = `secret.person-${crypto.randomUUID().slice(0, 6)}@private.example`;
    const password = 'a-very-secret-password';
    const reg = await call('POST', '/v1/auth/register', { body: { email, password, displayName: 'S' } });
    await call('POST', '/v1/auth/login', { body: { email, password: 'wrong-password-here' } });
    const login = await call('POST', '/v1/auth/login', { body: { email, password } });
    const next = await call('POST', '/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    await call('POST', '/v1/auth/refresh', { body: { refreshToken: login.json.refreshToken } });
    await call('GET', '/v1/me', { token: reg.json.accessToken });
    await call('POST', '/v1/auth/logout', { body: { refreshToken: next.json.refreshToken } });
    log('error', 'unhandled', { requestId: 'r', error: `Error: failed for ${email} with ${next.json.accessToken}` });
    log('info', 'debugging', { password, refreshToken: reg.json.refreshToken, headers: { authorization: 'Bearer x' } });

    expect(lines.length).toBeGreaterThan(8);
    const all = lines.join('\n');
    for (const secret of [
      email,
      password,
      'wrong-password-here',
      reg.json.accessToken,
      reg.json.refreshToken,
      login.json.refreshToken,
      next.json.accessToken,
      next.json.refreshToken,
    ]) {
      expect(all).not.toContain(secret);
    }
    expect(all).toContain('s***@private.example');
    expect(all).toContain('[redacted]');
  });
});
