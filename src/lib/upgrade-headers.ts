/**
 * The headers app.ts's middleware puts on every answer (X-Request-Id, the security headers), for answers
 * made outside the app: a WebSocket upgrade goes straight to its Durable Object for fast connects (see
 * `liveSocketUpgrade`), and the object stamps its problems with these and its 101 with the request id (see
 * durable-objects/live/connect.ts). Built without a Hono app per request: a crowd joining at once would pay
 * for it thousands of times over.
 */
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { API_CONTENT_SECURITY, SECURE_HEADERS } from './hardening';

let securityHeaders: Promise<[string, string][]> | undefined;

/** What Hono's `secureHeaders` sets, found once by running it, plus the API's Content-Security-Policy. */
function apiSecurityHeaders() {
  if (!securityHeaders) {
    const probe = new Hono().use(secureHeaders(SECURE_HEADERS)).get('*', (c) => c.body(null));
    securityHeaders = Promise.resolve(probe.request('/')).then((res): [string, string][] => [
      ...res.headers,
      ['Content-Security-Policy', API_CONTENT_SECURITY],
    ]);
  }
  return securityHeaders;
}

/** hono/request-id's rule: a client's id is kept when it is short and plain, otherwise a new one is made. */
export function requestIdOf(request: Request): string {
  const incoming = request.headers.get('X-Request-Id');
  return incoming && incoming.length <= 255 && !/[^\w\-=]/.test(incoming) ? incoming : crypto.randomUUID();
}

/** The API's answer headers for a request with this id. */
export async function apiAnswerHeaders(requestId: string): Promise<Headers> {
  const headers = new Headers(await apiSecurityHeaders());
  headers.set('X-Request-Id', requestId);
  return headers;
}
