/**
 * Product cards, cached in two tiers: an in-isolate memory map in front of KV (`PRODUCT_CARDS`) in front of D1.
 * Each entry is the card's serialized JSON plus its precomputed strong ETag, `"<version>.<digest>"` (the product
 * version the card shows, which PATCH checks If-Match against), so a hit is served without touching storage or
 * re-serializing, and a 304 is a string comparison.
 *
 * Correctness after writes. Every write that changes a card emits a domain event (product.updated / deleted,
 * stock.changed, user.renamed); the subscriber calls `invalidateCards`, which runs before the write's response
 * is sent. It drops the memory entry, deletes the KV key and bumps a per-product generation, so a read that
 * began before the write (and may hold the old D1 rows) does not store its stale card afterwards.
 *
 * - Locally (wrangler dev, Miniflare, tests) there is one isolate and one KV store: the next read after a
 *   write returns is always fresh.
 * - On Cloudflare's edge other isolates keep their memory entry for at most MEMORY_TTL_MS, and KV is
 *   eventually consistent: a delete is visible at once where it was made, but other locations may serve the
 *   old value for up to ~60 s (KV's own edge caching). Entries also expire after KV_TTL_SECONDS. A deployment
 *   that needs read-after-write everywhere must pin card reads to one place (a Durable Object), at a cost.
 */
import { createDb } from '../db/client';
import { etagVersion, versionedEtag } from '../lib/http-cache';
import type { ProductCard } from '../schemas/products';
import { buildProductCard } from './product-card';

export interface CardEntry {
  body: string;
  etag: string;
  /** The product version the card shows (named by `etag` too): a sparse read's ETag names it. */
  version: number;
  expiresAt: number;
  /** Parsed lazily, only for sparse-field reads. */
  parsed?: ProductCard;
}

const MEMORY_TTL_MS = 5_000;
const MEMORY_MAX_ENTRIES = 5_000;
/**
 * Cards carry social proof (purchases in the last hour, viewers now, likes) that moves without a write to
 * the product; KV's shortest TTL bounds how stale those figures get. Rebuilding a card once a minute per
 * product is a small, bounded cost, and no card read ever waits on more than one rebuild.
 */
const KV_TTL_SECONDS = 60;
const memory = new Map<string, CardEntry>();
/** Invalidation clock: `lastInvalidated.get(id) > startedAt` means a write happened during a read. */
let clock = 0;
const lastInvalidated = new Map<string, number>();

// v2: the ETag names the product version. Entries under v1 hold tags that name none (If-Match could never match
// them), so they are left to expire rather than served.
/** The card's KV key (exported for tests that look at KV itself). */
export const cardKvKey = (productId: string) => `card:v2:${productId}`;

function remember(productId: string, entry: CardEntry): void {
  if (memory.size >= MEMORY_MAX_ENTRIES) memory.delete(memory.keys().next().value as string);
  memory.set(productId, entry);
}

function invalidatedSince(productId: string, startedAt: number): boolean {
  return (lastInvalidated.get(productId) ?? -1) > startedAt;
}

/** KV holds `<etag>\n<json>` so neither part needs parsing or re-serializing; the etag names the version. */
function fromKv(text: string, now: number): CardEntry | null {
  const cut = text.indexOf('\n');
  const etag = text.slice(0, cut);
  const version = etagVersion(etag);
  if (version === undefined) return null;
  return { etag, version, body: text.slice(cut + 1), expiresAt: now + MEMORY_TTL_MS };
}

/**
 * The cached card for a product, or null when it does not exist.
 * @param waitUntil lets the KV fill finish after the response.
 */
export async function getCardEntry(
  env: Env,
  productId: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<CardEntry | null> {
  const now = Date.now();
  const hit = memory.get(productId);
  if (hit && hit.expiresAt > now) return hit;
  const startedAt = clock;
  const stored = await env.PRODUCT_CARDS.get(cardKvKey(productId));
  const fromStore = stored ? fromKv(stored, now) : null;
  if (fromStore) {
    if (!invalidatedSince(productId, startedAt)) remember(productId, fromStore);
    return fromStore;
  }
  const built = await buildProductCard(env, createDb(env.DB), productId);
  if (!built) return null;
  const { card, version } = built;
  const body = JSON.stringify(card);
  const etag = await versionedEtag(version, body);
  const entry: CardEntry = { body, etag, version, expiresAt: now + MEMORY_TTL_MS, parsed: card };
  if (!invalidatedSince(productId, startedAt)) {
    remember(productId, entry);
    waitUntil(env.PRODUCT_CARDS.put(cardKvKey(productId), `${entry.etag}\n${body}`, { expirationTtl: KV_TTL_SECONDS }));
  }
  return entry;
}

export function parsedCard(entry: CardEntry): ProductCard {
  entry.parsed ??= JSON.parse(entry.body) as ProductCard;
  return entry.parsed;
}

/** Makes the next read of these products rebuild their cards; resolves once KV no longer holds them. */
export async function invalidateCards(env: Env, productIds: Iterable<string>): Promise<void> {
  clock += 1;
  const deletes: Promise<void>[] = [];
  for (const id of new Set(productIds)) {
    lastInvalidated.set(id, clock);
    memory.delete(id);
    deletes.push(env.PRODUCT_CARDS.delete(cardKvKey(id)));
  }
  await Promise.all(deletes);
}
