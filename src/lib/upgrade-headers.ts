/**
 * The headers app.ts's middleware puts on every answer (X-Request-Id, the security headers), for answers
 * made outside the app: WebSocket upgrades go straight to a Durable Object for fast connects (see
 * `liveSocketUpgrade`). Hono's own `requestId` and `secureHeaders` run here, so an incoming X-Request-Id
 * is kept or replaced by exactly the app's rules.
 */
import { Hono } from 'hono';
import { type RequestIdVariables, requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { API_CONTENT_SECURITY } from './hardening';

/** Answers the request; `requestId` is the id the answer will carry. */
export type Forward = (request: Request, requestId: string) => Promise<Response>;

/**
 * The options app.ts gives `secureHeaders`. test/durable-objects/live-upgrade.test.ts compares an upgrade's
 * headers with an ordinary API answer's, so the two cannot drift apart unnoticed.
 */
const SECURE_HEADERS = { crossOriginResourcePolicy: 'cross-origin' } as const;

const stamped = new Hono<{ Bindings: { forward: Forward }; Variables: RequestIdVariables }>()
  .use(requestId(), secureHeaders(SECURE_HEADERS))
  .all('*', async (c) => {
    const id = c.get('requestId');
    const res = await c.env.forward(c.req.raw, id);
    // A stub's answer has immutable headers, and a 101 must be rebuilt around its socket.
    const headers = new Headers(res.headers);
    headers.set('X-Request-Id', id);
    headers.set('Content-Security-Policy', API_CONTENT_SECURITY);
    return res.status === 101
      ? new Response(null, { status: 101, webSocket: res.webSocket, headers })
      : new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  });

/**
 * Forwards `request` and gives the answer the API's response headers.
 *
 * @example
 * withApiHeaders(request, (req, id) => stub.fetch(req))
 */
export async function withApiHeaders(request: Request, forward: Forward): Promise<Response> {
  return stamped.fetch(request, { forward });
}
