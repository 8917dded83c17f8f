/**
 * Which methods the app answers on a path, read from its own route table, so a request with the wrong method
 * gets `405` and an `Allow` header (RFC 9110 §15.5.6) instead of a `404` that says the path does not exist.
 */
import { PatternRouter } from 'hono/router/pattern-router';

const ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** `routes` is the app's `routes` array; middleware (method ALL) is not a route. Built on first use. */
export function allowedMethods(routes: readonly { method: string; path: string }[]) {
  let router: PatternRouter<string> | undefined;
  return (path: string): string[] => {
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of routes) if (route.method !== 'ALL') router.add('ANY', route.path, route.method);
    }
    const methods = new Set(router.match('ANY', path)[0].map(([method]) => method));
    if (methods.size === 0) return [];
    // HEAD comes with every GET; OPTIONS (CORS preflight) is answered on every path.
    if (methods.has('GET')) methods.add('HEAD');
    methods.add('OPTIONS');
    return ORDER.filter((m) => methods.has(m));
  };
}
