/**
 * Errors crossing the RPC boundary. Workers RPC keeps only an Error's message, so the object returns a
 * typed result instead of throwing; the Worker turns a failure back into the API's `ApiError`.
 */
export type LiveErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_state'
  | 'stock_reserved'
  | 'insufficient_stock'
  | 'gone';

export class LiveError extends Error {
  constructor(
    readonly code: LiveErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type LiveResult<T> = { ok: true; value: T } | { ok: false; error: { code: LiveErrorCode; message: string } };

/** Runs `fn`, turning a `LiveError` into a failed result; anything else is a real bug and propagates. */
export async function toResult<T>(fn: () => T | Promise<T>): Promise<LiveResult<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof LiveError) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
