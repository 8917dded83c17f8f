import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../helpers/authenticator';
import { call, expectProblem } from '../helpers/http';
import { signUp } from '../helpers/users';

async function registerPasskey(token: string, authenticator = new SoftwareAuthenticator()) {
  const options = await call('POST', '/v1/auth/passkeys/register/options', { token });
  expect(options.status).toBe(200);
  const response = await authenticator.create(options.json);
  const verified = await call('POST', '/v1/auth/passkeys/register/verify', {
    token,
    body: { response, name: 'Test phone' },
  });
  return { authenticator, options: options.json, response, verified };
}

async function loginOptions() {
  const res = await call('POST', '/v1/auth/passkeys/login/options');
  expect(res.status).toBe(200);
  return res.json;
}

const loginVerify = (response: unknown) => call('POST', '/v1/auth/passkeys/login/verify', { body: { response } });

describe('passkeys: registration and login with a real (software) authenticator', () => {
  it('registers a passkey, then signs in with it and gets working tokens', async () => {
    const user = await signUp();
    const { options, verified } = await registerPasskey(user.token);
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Showroom' },
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    // The user handle is the opaque account id, not the email.
    expect(atob(options.user.id.replaceAll('-', '+').replaceAll('_', '/'))).toBe(user.id);
    expect(verified.status).toBe(201);
    expect(verified.json).toMatchObject({ name: 'Test phone', lastUsedAt: null });

    const { authenticator } = await registerPasskey(user.token);
    const login = await loginVerify(await authenticator.get(await loginOptions()));
    expect(login.status).toBe(200);
    expect(login.json.user.id).toBe(user.id);
    expect(login.json.refreshToken).toMatch(/^rt_/);
    const sessions = await call('GET', '/v1/me/sessions', { token: login.json.accessToken });
    expect(sessions.json.data.find((s: { current: boolean }) => s.current).method).toBe('passkey');
    const list = await call('GET', '/v1/me/passkeys', { token: user.token });
    expect(list.json.data).toHaveLength(2);
    expect(list.json.data.some((p: { lastUsedAt: string | null }) => p.lastUsedAt !== null)).toBe(true);
  });

  it('challenges are single-use: replaying a verified assertion fails', async () => {
    const user = await signUp();
    const { authenticator } = await registerPasskey(user.token);
    const assertion = await authenticator.get(await loginOptions());
    expect((await loginVerify(assertion)).status).toBe(200);
    expectProblem(await loginVerify(assertion), 401);
    // Concurrent use of one fresh challenge: exactly one wins.
    const options = await loginOptions();
    const a = await authenticator.get(options);
    const results = await Promise.all([loginVerify(a), loginVerify(a), loginVerify(a)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
  });

  it('challenges expire', async () => {
    const user = await signUp();
    const { authenticator } = await registerPasskey(user.token);
    const options = await loginOptions();
    await env.DB.prepare('UPDATE webauthn_challenges SET expires_at = ? WHERE challenge = ?')
      .bind(Date.now() - 1, options.challenge)
      .run();
    expectProblem(await loginVerify(await authenticator.get(options)), 401);
  });

  it('rejects a wrong origin, a missing user verification, a forged signature and a cloned counter', async () => {
    const user = await signUp();
    const { authenticator } = await registerPasskey(user.token);

    authenticator.origin = 'https://evil.example';
    expectProblem(await loginVerify(await authenticator.get(await loginOptions())), 401);
    authenticator.origin = 'http://localhost:8787';

    authenticator.userVerified = false;
    expectProblem(await loginVerify(await authenticator.get(await loginOptions())), 401);
    authenticator.userVerified = true;

    // Another key signing for this credential id.
    const impostor = new SoftwareAuthenticator();
    await impostor.create(
      (await call('POST', '/v1/auth/passkeys/register/options', { token: (await signUp()).token })).json,
    );
    const forged = await impostor.get(await loginOptions());
    const real = await authenticator.get(await loginOptions());
    expectProblem(await loginVerify({ ...forged, id: real.id, rawId: real.rawId }), 401);

    // A clone whose signature counter went backwards.
    expect((await loginVerify(await authenticator.get(await loginOptions()))).status).toBe(200);
    authenticator.credentials[0].counter = 0;
    expectProblem(await loginVerify(await authenticator.get(await loginOptions())), 401);

    // Each refusal failed for its own reason (recorded in the audit trail).
    const { results } = await env.DB.prepare(
      "SELECT details FROM audit_events WHERE user_id = ? AND type = 'login.failed' ORDER BY id",
    )
      .bind(user.id)
      .all<{ details: string }>();
    const reasons = results.map((r) => JSON.parse(r.details).reason as string);
    expect(reasons).toHaveLength(4);
    expect(reasons[0]).toMatch(/origin/i);
    expect(reasons[1]).toMatch(/verif/i);
    expect(reasons[2]).toMatch(/signature|not verified/i);
    expect(reasons[3]).toMatch(/counter/i);
  });

  it('registration needs a signed-in user and the challenge issued to that user', async () => {
    expectProblem(await call('POST', '/v1/auth/passkeys/register/options'), 401);
    const alice = await signUp();
    const bob = await signUp();
    const options = await call('POST', '/v1/auth/passkeys/register/options', { token: alice.token });
    const response = await new SoftwareAuthenticator().create(options.json);
    expectProblem(
      await call('POST', '/v1/auth/passkeys/register/verify', { token: bob.token, body: { response } }),
      401,
    );
    // Bob's attempt spent the challenge, so Alice must start again.
    expectProblem(
      await call('POST', '/v1/auth/passkeys/register/verify', { token: alice.token, body: { response } }),
      401,
    );
  });

  it('rejects malformed ceremony JSON with 400', async () => {
    const { token } = await signUp();
    const options = await call('POST', '/v1/auth/passkeys/register/options', { token });
    const response = await new SoftwareAuthenticator().create(options.json);
    const bad = (body: unknown) => call('POST', '/v1/auth/passkeys/register/verify', { token, body });
    expectProblem(await bad({ response, extra: 1 }), 400);
    expectProblem(await bad({ response: { ...response, type: 'password' } }), 400);
    expectProblem(
      await bad({ response: { ...response, response: { ...response.response, clientDataJSON: 'bm9wZQ' } } }),
      400,
    );
    expectProblem(await loginVerify({ id: 'x' }), 400);
  });

  it('says an attestation that does not parse is malformed, without naming our internals', async () => {
    const { token } = await signUp();
    const options = await call('POST', '/v1/auth/passkeys/register/options', { token });
    const response = await new SoftwareAuthenticator().create(options.json);
    const garbled = { ...response, response: { ...response.response, attestationObject: 'AAAAAAAAAAAAAAAAAAAA' } };
    const res = await call('POST', '/v1/auth/passkeys/register/verify', { token, body: { response: garbled } });
    expectProblem(res, 401);
    expect(res.json.detail).toBe('The passkey could not be verified: the response is malformed');
  });

  it("lists and removes my passkeys; someone else's is a 404; a removed passkey no longer signs in", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const { authenticator, verified } = await registerPasskey(alice.token);
    const id = verified.json.id;
    expectProblem(await call('DELETE', `/v1/me/passkeys/${id}`, { token: bob.token }), 404);
    expect((await call('GET', '/v1/me/passkeys', { token: bob.token })).json.data).toEqual([]);
    expect((await call('DELETE', `/v1/me/passkeys/${id}`, { token: alice.token })).status).toBe(204);
    expectProblem(await loginVerify(await authenticator.get(await loginOptions())), 401);
  });
});
