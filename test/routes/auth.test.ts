import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../helpers/http';
import { signUp, signUpAdmin } from '../helpers/users';

describe('POST /v1/auth/register', () => {
  it('creates a shopper and returns a working access token', async () => {
    const res = await call('POST', '/v1/auth/register', {
      body: { email: 'Ada@Example.com', password: 'correct-horse-battery', displayName: 'Ada' },
    });
    expect(res.status).toBe(201);
    expect(res.json.user).toMatchObject({ email: 'ada@example.com', role: 'shopper', displayName: 'Ada' });
    expect(res.json.user.id).toMatch(/^usr_[0-9a-z]{26}$/);
    expect(res.text).not.toContain('password');
    const me = await call('GET', '/v1/me', { token: res.json.accessToken });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(res.json.user.id);
  });

  it('rejects a duplicate email case-insensitively', async () => {
    const { email } = await signUp();
    const res = await call('POST', '/v1/auth/register', {
      body: { email: email.toUpperCase(), password: 'correct-horse-battery', displayName: 'Copy' },
    });
    expect(expectProblem(res, 409)).toMatchObject({
      code: 'already_exists',
      type: 'https://showroom.dev/problems/already-exists',
    });
  });

  it('never lets registration grant admin', async () => {
    const res = await call('POST', '/v1/auth/register', {
      body: { email: 'sneaky@test.dev', password: 'correct-horse-battery', displayName: 'x', role: 'admin' },
    });
    const problem = expectProblem(res, 400);
    expect(problem.errors[0].path).toBe('body.role');
  });

  it('gives admin only to configured emails', async () => {
    const admin = await signUpAdmin();
    const me = await call('GET', '/v1/me', { token: admin.token });
    expect(me.json.role).toBe('admin');
  });

  it('answers bad input with problem+json and field errors', async () => {
    const short = expectProblem(
      await call('POST', '/v1/auth/register', { body: { email: 'x@test.dev', password: 'short', displayName: 'x' } }),
      400,
    );
    expect(short.errors).toContainEqual(expect.objectContaining({ path: 'body.password' }));
    expectProblem(await call('POST', '/v1/auth/register', { body: '{not json' }), 400);
    expectProblem(
      await call('POST', '/v1/auth/register', { body: 'a=b', headers: { 'content-type': 'text/plain' } }),
      415,
    );
    expectProblem(
      await call('POST', '/v1/auth/register', {
        body: { email: 'x@test.dev', password: 'correct-horse-battery', displayName: 'x', extra: 1 },
      }),
      400,
    );
  });
});

describe('POST /v1/auth/login', () => {
  it('signs in with the right password', async () => {
    const { email } = await signUp();
    const res = await call('POST', '/v1/auth/login', { body: { email, password: 'correct-horse-battery' } });
    expect(res.status).toBe(200);
    expect(res.json.accessToken).toBeTypeOf('string');
  });

  it('says the same for a wrong password and an unknown account', async () => {
    const { email } = await signUp();
    const wrong = expectProblem(
      await call('POST', '/v1/auth/login', { body: { email, password: 'nope-nope-nope' } }),
      401,
    );
    const unknown = expectProblem(
      await call('POST', '/v1/auth/login', { body: { email: 'ghost@test.dev', password: 'nope-nope-nope' } }),
      401,
    );
    expect(wrong.detail).toBe(unknown.detail);
  });
});

describe('GET /v1/me', () => {
  it('needs a valid token', async () => {
    expectProblem(await call('GET', '/v1/me'), 401);
    expectProblem(await call('GET', '/v1/me', { token: 'not.a.jwt' }), 401);
    const { token } = await signUp();
    const [h, p, s] = token.split('.');
    const forged = JSON.parse(atob(p.replaceAll('-', '+').replaceAll('_', '/')));
    forged.role = 'admin';
    const edited = `${h}.${btoa(JSON.stringify(forged)).replaceAll('=', '')}.${s}`;
    expectProblem(await call('GET', '/v1/me', { token: edited }), 401);
  });

  it('updates preferences with PATCH and rejects unknown fields', async () => {
    const { token } = await signUp();
    const res = await call('PATCH', '/v1/me', {
      token,
      body: { displayName: 'New', preferences: { locale: 'fr-FR', consents: { marketing: false } } },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      displayName: 'New',
      preferences: { locale: 'fr-FR', consents: { marketing: false } },
    });
    expectProblem(await call('PATCH', '/v1/me', { token, body: { role: 'admin' } }), 400);
    const bad = async (body: unknown) =>
      expectProblem(await call('PATCH', '/v1/me', { token, body }), 400).errors[0].path;
    expect(await bad({ displayName: 'Ada\u202Enimda' })).toBe('body.displayName');
    expect(await bad({ displayName: 'Ada\u0000' })).toBe('body.displayName');
    expect(await bad({ preferences: { locale: '!!!' } })).toBe('body.preferences.locale');
    expect(await bad({ preferences: { currency: 'ZZZ' } })).toBe('body.preferences.currency');
    // Emoji sequences joined by ZWJ are names too.
    const family = await call('PATCH', '/v1/me', { token, body: { displayName: 'Ada \u{1F468}\u200D\u{1F469}' } });
    expect(family.status).toBe(200);
  });
});

describe('every 401 names the scheme to authenticate with (RFC 9110 §15.5.2: WWW-Authenticate)', () => {
  it('answers a wrong password, a bad refresh token, a malformed or bad Authorization header and no sign-in with a Bearer challenge', async () => {
    const user = await signUp();
    const answers = {
      'wrong password': await call('POST', '/v1/auth/login', {
        body: { email: user.email, password: 'not-the-password-at-all' },
      }),
      'bad refresh token': await call('POST', '/v1/auth/refresh', { body: { refreshToken: 'x'.repeat(43) } }),
      'malformed Authorization': await call('GET', '/v1/me', { headers: { authorization: 'Token abc' } }),
      'bad token': await call('GET', '/v1/me', { token: 'not.a.jwt' }),
      'not signed in': await call('GET', '/v1/me'),
    };
    const challenges = Object.fromEntries(
      Object.entries(answers).map(([why, res]) => {
        expectProblem(res, 401);
        return [why, res.headers.get('www-authenticate')];
      }),
    );
    expect(challenges).toEqual({
      'wrong password': 'Bearer',
      'bad refresh token': 'Bearer',
      'malformed Authorization': 'Bearer error="invalid_request"',
      'bad token': 'Bearer error="invalid_token"',
      'not signed in': 'Bearer',
    });
  });
});
