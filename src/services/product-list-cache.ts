/**
 * An in-isolate cache of serialized list pages (`GET /v1/products`, `GET /v1/categories`), keyed by the
 * query string. Any catalog write in this isolate (product created / updated / deleted, stock changed) bumps
 * the generation and so empties it before the write's response is sent: locally the next list is fresh.
 * On Cloudflare's edge, other isolates may serve a page up to TTL_MS old after a write elsewhere, which is
 * well inside the `max-age` the same responses already allow browsers and CDNs (CATALOG_MAX_AGE_SECONDS).
 */
const TTL_MS = 3_000;
const MAX_ENTRIES = 1_000;

export interface ListEntry {
  body: string;
  etag: string;
  expiresAt: number;
  generation: number;
}

let generation = 0;
const pages = new Map<string, ListEntry>();

export function currentListGeneration(): number {
  return generation;
}

export function getListPage(key: string): ListEntry | undefined {
  const entry = pages.get(key);
  if (!entry) return undefined;
  if (entry.generation === generation && entry.expiresAt > Date.now()) return entry;
  pages.delete(key);
  return undefined;
}

/** Stores a page computed from data read while the generation was `startedAt`; dropped if a write came since. */
export function putListPage(key: string, body: string, etag: string, startedAt: number): void {
  if (startedAt !== generation) return;
  if (pages.size >= MAX_ENTRIES) pages.delete(pages.keys().next().value as string);
  pages.set(key, { body, etag, expiresAt: Date.now() + TTL_MS, generation });
}

export function invalidateListPages(): void {
  generation += 1;
  pages.clear();
}
