/**
 * Which constraint a D1 error reports. D1 surfaces SQLite's message (e.g. "UNIQUE constraint failed:
 * orders.id") in the error, or in its `cause` when drizzle wraps it; callers turn the ones they expect into
 * API answers (a 409 for a duplicate, an oversell, a second flash sale) and rethrow the rest.
 */
export function d1ErrorMatches(error: unknown, pattern: RegExp): boolean {
  return pattern.test(String((error as { cause?: unknown })?.cause ?? error));
}
