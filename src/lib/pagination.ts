/**
 * Cursor pagination: `?limit=` (1–100, default 20) and an opaque `?cursor=` that encodes the last
 * row's sort key, so pages never skip or repeat rows while data changes.
 *
 * A list passes a `scope` when it writes and when it reads a cursor: its filters, or its name when it has
 * none. The cursor carries a short hash of it, so one taken to other filters or to another list (which would
 * page from a row that list never showed) is refused like any cursor the list did not write.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

/**
 * `?limit=`, a page size from 1 to `max`. Blank, 0, 1.5 or `ten` all get the one message saying what it takes,
 * not zod's wording for whichever check failed first ("Too small: expected number to be >=1").
 */
export function Limit(max = 100, fallback = 20) {
  const error = `limit must be an integer from 1 to ${max}`;
  return z.coerce
    .number({ error })
    .int({ error })
    .min(1, { error })
    .max(max, { error })
    .default(fallback)
    .openapi({ example: fallback });
}

/**
 * Lists refuse parameters they do not know (a 400 naming them), as the catalog always has: a client that
 * sends `?status=paid` to a list without that filter must not take the unfiltered page for a filtered one.
 */
export const PageQuery = z
  .object({
    limit: Limit(),
    cursor: z.string().max(512).optional().openapi({ description: 'nextCursor from the previous page' }),
  })
  .strict();

export function Page<T extends z.ZodTypeAny>(item: T, name: string) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() }).openapi(name);
}

/**
 * The values a list is filtered by, in a fixed order; absent filters as `undefined`. Pass what the query
 * means (defaults applied), not the raw string, so `?as=sharer` and no `?as=` share their cursors.
 */
export type CursorScope = readonly (string | number | boolean | null | undefined)[];

/** FNV-1a (32-bit) of the scope: a tag to compare, not a secret; clients can write any cursor anyway. */
function scopeTag(scope: CursorScope): string {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify(scope)) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** Without a scope a cursor carries no tag (the feed's, whose snapshot id already names the list and viewer). */
export function encodeCursor(key: unknown[], scope?: CursorScope): string {
  const body = scope ? [scopeTag(scope), ...key] : key;
  return btoa(JSON.stringify(body)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

/**
 * Decodes a cursor made by `encodeCursor` with the same `scope`; a tampered cursor, or one written under
 * other filters, is a 400, never a 500 or a page of another list.
 */
export function decodeCursor(cursor: string | undefined, arity: number, scope?: CursorScope): unknown[] | undefined {
  if (!cursor) return undefined;
  const tagged = scope ? 1 : 0;
  try {
    const key: unknown = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
    if (
      Array.isArray(key) &&
      key.length === arity + tagged &&
      key.every((v) => ['string', 'number'].includes(typeof v)) &&
      (!scope || key[0] === scopeTag(scope))
    ) {
      return key.slice(tagged);
    }
  } catch {}
  throw invalidCursor();
}

/** The 400 for a cursor this list did not write. */
export function invalidCursor() {
  return new ApiError('bad_request', 'cursor is not valid for this list', {
    errors: [{ path: 'cursor', message: 'invalid cursor' }],
  });
}

/**
 * Given rows fetched with `limit + 1`, returns the page and the cursor for the next one, under the `scope`
 * the list will pass to `decodeCursor`.
 */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[], scope?: CursorScope) {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last), scope) : null };
}
