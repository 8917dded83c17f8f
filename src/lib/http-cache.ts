/**
 * HTTP caching helpers for catalog reads: strong ETags computed once per representation (and cached with
 * it, so a 304 costs a string comparison), If-None-Match matching, and the Cache-Control / Vary policy.
 * Also the ETags of versioned records and the If-Match of writes to them (the cart, products).
 */
const encoder = new TextEncoder();

/** A strong ETag for a body: the first 128 bits of its SHA-256, base64url. */
export async function strongEtag(body: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(body)));
  let text = '';
  for (let i = 0; i < 16; i++) text += String.fromCharCode(digest[i]);
  return `"${btoa(text).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '')}"`;
}

/**
 * A strong ETag for a representation of a record that keeps a version (a row's `updated_at`, moved on every
 * write): `"<version base36>.<digest of the body>"`. The digest changes with everything the body shows, so a
 * 304 never hides a new price; the version lets a write check If-Match against the row itself, in the
 * statement that writes it, without rebuilding the body (`ifMatchVersions`).
 */
export async function versionedEtag(version: number, body: string): Promise<string> {
  return `"${version.toString(36)}.${(await strongEtag(body)).slice(1)}`;
}

/**
 * The tag of a representation derived from a tagged one by a fixed choice (e.g. sparse `fields` of a card):
 * `"<version>.<digest>.<choice>"`. The same tag and choice always give the same body, so it is as strong as
 * the one it derives from, and costs a string concatenation rather than a digest of the body.
 */
export function derivedEtag(etag: string, choice: string[]): string {
  return `${etag.slice(0, -1)}.${choice.join('.')}"`;
}

/** The version a tag made by `versionedEtag` (or derived from one) names; undefined for any other. */
export function etagVersion(etag: string): number | undefined {
  const version = /^"([0-9a-z]{1,10})\.[\w-]{22}(?:\.[\w.]+)?"$/.exec(etag)?.[1];
  return version === undefined ? undefined : Number.parseInt(version, 36);
}

/** More tags than a client ever sends; the rest never match (a 412, never a write let through). */
const MAX_IF_MATCH_TAGS = 20;

/** What an If-Match header asks for (RFC 9110 §13.1.1): `*` (the record exists) or the versions its tags name. */
export type IfMatch = '*' | number[];

/**
 * What an If-Match header asks for (RFC 9110 §13.1.1): `*` (the record exists) or the versions its tags name.
 * Only strong tags made by `versionedEtag` name one: If-Match compares strongly, so a weak tag never matches,
 * and a tag never issued (or a malformed header) names none, so it matches nothing.
 */
export function ifMatchVersions(ifMatch: string): IfMatch {
  if (ifMatch.trim() === '*') return '*';
  const versions = new Set<number>();
  for (const [tag, weak] of ifMatch.matchAll(/(W\/)?"[^"]*"/g)) {
    const version = weak ? undefined : etagVersion(tag);
    if (version !== undefined && versions.size < MAX_IF_MATCH_TAGS) versions.add(version);
  }
  return [...versions];
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
