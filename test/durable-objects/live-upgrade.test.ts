/**
 * WebSocket upgrades go to the session object before the HTTP middleware (fast connects); their answers
 * still carry an X-Request-Id, and a refusal (a problem) every header an API answer carries.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call } from '../helpers/http';
import { liveShow } from '../helpers/live';

const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

function upgrade(path: string, headers: Record<string, string> = {}) {
  return SELF.fetch(`http://showroom.test${path}`, { headers: { upgrade: 'websocket', ...headers } });
}

/** The security headers of an ordinary API answer, which an upgrade's answer must match. */
async function apiSecurityHeaders() {
  const res = await call('GET', '/health/live');
  return Object.fromEntries(SECURITY_HEADERS.map((name) => [name, res.headers.get(name)]));
}

function securityHeadersOf(res: Response) {
  return Object.fromEntries(SECURITY_HEADERS.map((name) => [name, res.headers.get(name)]));
}

describe('WebSocket upgrade answers', () => {
  it('carry a generated X-Request-Id on a 101, and none of the body-only security headers', async () => {
    const show = await liveShow();
    const res = await upgrade(`/v1/live-sessions/${show.id}/ws`);
    expect(res.status).toBe(101);
    res.webSocket?.accept();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A 101 has no body for them to govern, and each header costs memory for the connection's life.
    expect(Object.values(securityHeadersOf(res)).every((value) => value === null)).toBe(true);
    res.webSocket?.close(1000);
  });

  it('keep a valid incoming X-Request-Id and replace an invalid one', async () => {
    const show = await liveShow();
    const kept = await upgrade(`/v1/live-sessions/${show.id}/ws`, { 'x-request-id': 'client-42' });
    expect(kept.status).toBe(101);
    kept.webSocket?.accept();
    expect(kept.headers.get('x-request-id')).toBe('client-42');
    kept.webSocket?.close(1000);
    const replaced = await upgrade(`/v1/live-sessions/${show.id}/ws`, { 'x-request-id': 'not valid!' });
    replaced.webSocket?.accept();
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    replaced.webSocket?.close(1000);
  });

  it('carry them on the object’s problems too (unknown session, bad ticket), with the same requestId', async () => {
    const show = await liveShow();
    const expected = await apiSecurityHeaders();
    for (const path of [
      '/v1/live-sessions/liv_01jd3v8m2k9q4x7n5b6c8d0e1f/ws',
      `/v1/live-sessions/${show.id}/ws?ticket=nope`,
    ]) {
      const res = await upgrade(path, { 'x-request-id': 'req-problem' });
      expect([404, 401]).toContain(res.status);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('x-request-id')).toBe('req-problem');
      expect(securityHeadersOf(res)).toEqual(expected);
      expect((await res.json()) as object).toMatchObject({ requestId: 'req-problem' });
    }
  });
});
