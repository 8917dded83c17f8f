/**
 * A typed TypeScript client for Showroom: Hono's `hc` over the app's route types, so paths, inputs and
 * JSON answers are checked by the compiler. Importing it pulls in types only, not the Worker.
 *
 * @example
 * ```ts
 * import { createShowroomClient } from 'showroom/src/client';
 *
 * const api = createShowroomClient('http://localhost:8787');
 * const res = await api.v1.auth.login.$post({ json: { email: 'ada@example.com', password: 'correct-horse-battery' } });
 * if (res.status === 200) {
 *   const { accessToken } = await res.json();
 *   const me = await api.v1.me.$get({}, { headers: { authorization: `Bearer ${accessToken}` } });
 * }
 * ```
 */
import { type ClientRequestOptions, hc } from 'hono/client';
import type { AppType } from './app';

export type ShowroomClient = ReturnType<typeof hc<AppType>>;

/**
 * @param baseUrl where Showroom is served, e.g. `https://api.example.com`
 * @param options Hono client options: default `headers` (a function is called per request, handy for a
 *   current access token), or a custom `fetch`
 */
export function createShowroomClient(baseUrl: string, options?: ClientRequestOptions): ShowroomClient {
  return hc<AppType>(baseUrl, options);
}
