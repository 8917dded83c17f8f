/**
 * HTTP caching helpers for catalog reads: strong ETags computed once per representation (and cached with
 * it, so a 304 costs a string comparison), If-None-Match matching, and the Cache-Control / Vary policy.
 */
const encoder = new TextEncoder();

/** A strong ETag for a body: the first 128 bits of its SHA-256, base64url. */
export async function strongEtag(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(body)));
  let text = '';
  for (let i = 0; i < 16; i++) text += String.fromCharCode(digest[i]);
  return `"${btoa(text).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}"`;
}

/** Whether an If-None-Match header names `etag` (or `*`). Weak comparison, as RFC 9110 asks for GET. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Anonymous reads may be kept by browsers and shared caches for CATALOG_MAX_AGE_SECONDS; signed-in reads are
 * private and revalidated every time (cards may later carry per-viewer social proof). Responses differ by
 * the presence of a token, hence `Vary: Authorization`.
 */
export function catalogCacheHeaders(env: Env, signedIn: boolean, etag: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    etag,
    'cache-control': signedIn
      ? 'private, no-cache'
      : `public, max-age=${Number(env.CATALOG_MAX_AGE_SECONDS) || 30}, stale-while-revalidate=60`,
    vary: 'Authorization',
  };
}

/** Keeps only the named top-level fields of an object, in the order given. */
export function pickFields<T extends object>(value: T, fields: readonly string[]): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = (value as Record<string, unknown>)[f];
  return out as Partial<T>;
}
