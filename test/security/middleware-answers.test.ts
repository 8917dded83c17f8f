/**
 * The app-wide middleware answers some requests before any route's handler runs (a body that is not JSON, too
 * large or malformed, a rate limit, a bad token, a missing signing secret). Each of those answers is sent to
 * every operation here, so `call()`'s conformance check proves every operation declares them.
 */
import { describe, expect, it } from 'vitest';
import { TOKEN_NOT_READ } from '../../src/lib/admission';
import { callWithEnv } from '../helpers/app-env';
import { call } from '../helpers/http';
import { signUp } from '../helpers/users';

async function operations() {
  const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({
      method: method.toUpperCase(),
      path,
      // Any well-formed id will do: the middleware answers before anything is looked up.
      url: path.replace(/\{[^}]+\}/g, 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f'),
    })),
  );
}

const writes = async () => (await operations()).filter((o) => o.method !== 'GET');
const withBody = (method: string) => ['POST', 'PUT', 'PATCH'].includes(method);

describe('answers the middleware gives, on every operation', () => {
  it('415 for a body that is not JSON, 400 for malformed JSON, 413 for an oversized body', async () => {
    const ops = await writes();
    expect(ops.length).toBeGreaterThan(40);
    for (const o of ops) {
      const label = `${o.method} ${o.path}`;
      if (withBody(o.method)) {
        const text = await call(o.method, o.url, { body: 'hello', headers: { 'content-type': 'text/plain' } });
        expect(text.status, label).toBe(415);
      }
      expect((await call(o.method, o.url, { body: '{"a":' })).status, label).toBe(400);
      expect((await call(o.method, o.url, { body: JSON.stringify('x'.repeat(70_000)) })).status, label).toBe(413);
    }
  });

  it('429 for a write over the address limit', async () => {
    const limits = { RATE_LIMIT_WRITES: '0/60', RATE_LIMIT_AUTH: '0/60' };
    for (const o of await writes()) {
      const res = await callWithEnv(limits, o.method, o.url, { body: withBody(o.method) ? {} : undefined });
      expect(res.status, `${o.method} ${o.path}`).toBe(429);
    }
  });

  it('401 for a bad token and 503 without a signing secret, wherever a token is read', async () => {
    const { token } = await signUp();
    const ops = (await operations()).filter((o) => !TOKEN_NOT_READ.has(o.path));
    expect(ops.length).toBeGreaterThan(40);
    for (const o of ops) {
      const label = `${o.method} ${o.path}`;
      expect((await call(o.method, o.url, { token: 'not-a-token' })).status, label).toBe(401);
      expect((await callWithEnv({ JWT_SECRET: '' }, o.method, o.url, { token })).status, label).toBe(503);
    }
  });
});
