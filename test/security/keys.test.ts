import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { currentKid } from '../../src/lib/jwt';
import { callWithEnv } from '../helpers/app-env';
import { call, expectProblem } from '../helpers/http';
import { decodeJwt, encodePart, nowSeconds, signWith } from '../helpers/tokens';
import { signUp } from '../helpers/users';

async function expectRejected(token: string) {
  const res = expectProblem(await call('GET', '/v1/me', { token }), 401);
  expect(res.code).toBe('unauthorized');
}

describe('access tokens: signing keys and forgery', () => {
  it('names its signing key with kid and verifies with it', async () => {
    const { token } = await signUp();
    const { header, claims } = decodeJwt(token);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT', kid: await currentKid(env) });
    expect(claims).toMatchObject({
      iss: 'showroom',
      sub: expect.stringMatching(/^usr_/),
      sid: expect.stringMatching(/^ses_/),
    });
    expect((await call('GET', '/v1/me', { token })).status).toBe(200);
  });

  it('still accepts tokens signed with a previous key during rotation', async () => {
    const { token } = await signUp();
    const { claims } = decodeJwt(token);
    const old = await signWith(env.JWT_PREVIOUS_SECRETS, claims);
    expect(decodeJwt(old).header.kid).not.toBe(decodeJwt(token).header.kid);
    expect((await call('GET', '/v1/me', { token: old })).status).toBe(200);
    // Once the old key is retired, its tokens stop verifying.
    expectProblem(await callWithEnv({ JWT_PREVIOUS_SECRETS: '' }, 'GET', '/v1/me', { token: old }), 401);
    expect((await callWithEnv({ JWT_PREVIOUS_SECRETS: '' }, 'GET', '/v1/me', { token })).status).toBe(200);
  });

  it('rejects an edited payload (role raised to admin)', async () => {
    const { token } = await signUp();
    const [h, , s] = token.split('.');
    const claims = { ...decodeJwt(token).claims, role: 'admin' };
    await expectRejected(`${h}.${encodePart(claims)}.${s}`);
  });

  it('rejects alg none, with or without a signature', async () => {
    const { token } = await signUp();
    const { header, claims } = decodeJwt(token);
    for (const alg of ['none', 'None', 'NONE']) {
      const h = encodePart({ ...header, alg });
      await expectRejected(`${h}.${encodePart(claims)}.`);
      await expectRejected(`${h}.${encodePart(claims)}.${token.split('.')[2]}`);
    }
  });

  it('rejects a token signed with an unknown key, even when it claims a known kid', async () => {
    const { token } = await signUp();
    const { header, claims } = decodeJwt(token);
    const foreign = await signWith('an-attacker-secret-that-is-also-32-characters', claims);
    await expectRejected(foreign);
    const [, p, s] = foreign.split('.');
    await expectRejected(`${encodePart(header)}.${p}.${s}`);
    const noKid = { alg: 'HS256', typ: 'JWT' };
    await expectRejected(`${encodePart(noKid)}.${token.split('.')[1]}.${token.split('.')[2]}`);
  });

  it('rejects other algorithms (algorithm confusion)', async () => {
    const { token } = await signUp();
    const { header } = decodeJwt(token);
    const [, p, s] = token.split('.');
    for (const alg of ['HS512', 'RS256', 'ES256']) await expectRejected(`${encodePart({ ...header, alg })}.${p}.${s}`);
  });

  it('rejects an expired token and one issued far in the future', async () => {
    const { token } = await signUp();
    const { claims } = decodeJwt(token);
    await expectRejected(
      await signWith(env.JWT_SECRET, { ...claims, iat: nowSeconds() - 1000, exp: nowSeconds() - 1 }),
    );
    await expectRejected(
      await signWith(env.JWT_SECRET, { ...claims, iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 }),
    );
  });

  it('rejects a validly signed token whose session or user does not match', async () => {
    const a = await signUp();
    const b = await signUp();
    const claimsA = decodeJwt(a.token).claims;
    const claimsB = decodeJwt(b.token).claims;
    // B's session id with A's user id: a session belongs to exactly one user.
    await expectRejected(await signWith(env.JWT_SECRET, { ...claimsA, sid: claimsB.sid }));
    await expectRejected(await signWith(env.JWT_SECRET, { ...claimsA, sid: undefined }));
    await expectRejected(await signWith(env.JWT_SECRET, { ...claimsA, iss: 'someone-else' }));
  });

  it('rejects garbage and malformed Authorization headers', async () => {
    for (const token of ['x', 'a.b.c', 'a.b', '...', 'eyJhbGciOiJIUzI1NiJ9.e30.']) await expectRejected(token);
    expectProblem(await call('GET', '/v1/me', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }), 401);
  });

  it('fails closed when the signing secret is missing or too short: 503, never unsigned tokens', async () => {
    const { token, email, refreshToken } = await signUp();
    for (const JWT_SECRET of ['', 'short']) {
      const login = await callWithEnv({ JWT_SECRET }, 'POST', '/v1/auth/login', {
        body: { email, password: 'correct-horse-battery' },
      });
      expect(login.status).toBe(503);
      expect(login.text).not.toContain('accessToken');
      expect((await callWithEnv({ JWT_SECRET }, 'GET', '/v1/me', { token })).status).toBe(503);
      const register = await callWithEnv({ JWT_SECRET }, 'POST', '/v1/auth/register', {
        body: { email: `nokey-${crypto.randomUUID()}@test.dev`, password: 'correct-horse-battery', displayName: 'N' },
      });
      expect(register.status).toBe(503);
    }
    const refresh = await callWithEnv({ JWT_SECRET: '' }, 'POST', '/v1/auth/refresh', { body: { refreshToken } });
    expect(refresh.status).toBe(503);
  });
});
