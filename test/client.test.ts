import { SELF } from 'cloudflare:test';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createShowroomClient } from '../src/client';

// The typed client, with the Worker's own fetch underneath (real D1 and KV, no network).
const api = createShowroomClient('http://showroom.test', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init),
});

describe('typed client (hc over AppType)', () => {
  it('calls a route and types its JSON answer', async () => {
    const res = await api.health.live.$get();
    expect(res.status).toBe(200);
    const body = await res.json();
    expectTypeOf(body).toEqualTypeOf<{ status: 'ok' }>();
    expect(body).toEqual({ status: 'ok' });
  });

  it('types request bodies, statuses and answers across sign-up and /v1/me', async () => {
    const email = `client-${crypto.randomUUID().slice(0, 8)}@test.dev`;
    const registered = await api.v1.auth.register.$post({
      json: { email, password: 'correct-horse-battery', displayName: 'Client Test', role: 'creator' },
    });
    expect(registered.status).toBe(201);
    if (registered.status !== 201) return;
    const { accessToken, user } = await registered.json();
    expectTypeOf(accessToken).toBeString();
    expectTypeOf(user.role).toEqualTypeOf<'shopper' | 'creator' | 'admin'>();

    const me = await api.v1.me.$get({}, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(me.status).toBe(200);
    if (me.status !== 200) return;
    expect((await me.json()).email).toBe(email);
  });

  it('keeps documented errors visible: a bad body is a 400 problem', async () => {
    const res = await api.v1.auth.login.$post({ json: { email: 'not-an-email', password: 'x' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects calls that do not match the contract at compile time', () => {
    // Never run: these lines exist for `npm run check` (tsc), which fails if any of them type-checks.
    const typeOnly = () => {
      // @ts-expect-error the password is required
      api.v1.auth.login.$post({ json: { email: 'a@b.co' } });
      // @ts-expect-error no such route
      api.v1.nowhere.$get();
      // @ts-expect-error role is one of the enum values
      api.v1.auth.register.$post({ json: { email: 'a@b.co', password: 'x', displayName: 'x', role: 'root' } });
    };
    expect(typeOnly).toBeTypeOf('function');
  });
});
