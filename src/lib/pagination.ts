/**
 * Cursor pagination: `?limit=` (1–100, default 20) and an opaque `?cursor=` that encodes the last
 * row's sort key, so pages never skip or repeat rows while data changes.
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

export function encodeCursor(key: unknown[]): string {
  return btoa(JSON.stringify(key)).replaceAll('+', '-').replaceAll('/', '_').replaceAll('=', '');
}

/** Decodes a cursor made by `encodeCursor`; a tampered cursor is a 400, never a 500. */
export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | undefined {
  if (!cursor) return undefined;
  try {
    const key: unknown = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/')));
    if (Array.isArray(key) && key.length === arity && key.every((v) => ['string', 'number'].includes(typeof v))) {
      return key;
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

/** Given rows fetched with `limit + 1`, returns the page and the cursor for the next one. */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
