/**
 * Authorization is explicit on every route: derived from the OpenAPI document the server serves, so a
 * route added later is checked too. A route that declares bearer security must refuse anonymous callers
 * (401); admin routes must refuse shoppers (403); and the public write surface is a reviewed list.
 */
import { describe, expect, it } from 'vitest';
import { call } from '../helpers/http';
import { signUp } from '../helpers/users';

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
}

async function operations() {
  const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      // Any well-formed id will do: the caller is refused before the object is looked up.
      url: path.replace(/\{[^}]+\}/g, 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f'),
      path,
      op,
      bearer: (op.security ?? []).some((s) => 'bearerAuth' in s),
    })),
  );
}

const headers = { 'idempotency-key': 'route-auth-check' };

/** Public writes, reviewed: anything else that writes must require a token. */
const PUBLIC_WRITES = new Set([
  'auth.register',
  'auth.login',
  'auth.refresh',
  'auth.logout',
  'passkeys.loginOptions',
  'passkeys.loginVerify',
  'webhooks.payments',
  // Anonymous viewers report video views and product taps (batched, per-address write limit applies).
  'videos.recordEvents',
]);

describe('authorization on every route', () => {
  it('every route that declares a bearer token refuses anonymous callers with 401', async () => {
    const ops = (await operations()).filter((o) => o.bearer);
    expect(ops.length).toBeGreaterThan(20);
    for (const o of ops) {
      const res = await call(o.method, o.url, {
        headers,
        body: o.method === 'GET' || o.method === 'DELETE' ? undefined : {},
      });
      expect(res.status, `${o.method} ${o.path} (${o.op.operationId})`).toBe(401);
    }
  });

  it('every admin route refuses shoppers and creators with 403', async () => {
    const ops = (await operations()).filter((o) => o.path.startsWith('/v1/admin/'));
    expect(ops.length).toBeGreaterThan(1);
    for (const user of [await signUp(), await signUp('creator')]) {
      for (const o of ops) {
        const res = await call(o.method, o.url, {
          token: user.token,
          headers,
          body: o.method === 'GET' || o.method === 'DELETE' ? undefined : {},
        });
        expect(res.status, `${o.method} ${o.path}`).toBe(403);
      }
    }
  });

  it('writes without a token are only the reviewed public ones', async () => {
    const publicWrites = (await operations())
      .filter((o) => o.method !== 'GET' && !o.bearer)
      .map((o) => o.op.operationId)
      .filter((id) => !PUBLIC_WRITES.has(id));
    expect(publicWrites).toEqual([]);
  });
});
