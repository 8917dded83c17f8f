/**
 * The one error mechanism: throw `new ApiError(code, detail)` anywhere; `app.onError`, the validation
 * hook and `notFound` all render it as RFC 9457 `application/problem+json`.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every error code the API can answer with, and its HTTP status. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  idempotency_key_required: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_exists: 409,
  invalid_state: 409,
  stock_reserved: 409,
  concurrent_update: 409,
  insufficient_stock: 409,
  idempotency_in_progress: 409,
  gone: 410,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  idempotency_key_reused: 422,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;

const titles: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Validation failed',
  idempotency_key_required: 'Idempotency-Key header required',
  unauthorized: 'Authentication required',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  already_exists: 'Already exists',
  invalid_state: 'Not allowed in the current state',
  stock_reserved: 'Units are held or reserved',
  concurrent_update: 'Changed concurrently; try again',
  insufficient_stock: 'Insufficient stock',
  idempotency_in_progress: 'A request with this Idempotency-Key is still being processed',
  gone: 'Gone',
  precondition_failed: 'Precondition failed',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  upgrade_required: 'Upgrade required',
  idempotency_key_reused: 'Idempotency-Key reused with a different request',
  unprocessable: 'Unprocessable request',
  rate_limited: 'Too many requests',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string = titles[code],
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string>; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.status = errorStatus[code];
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

/** The problem document for an error; `type` is a stable URI per code. */
export function toProblem(error: ApiError, requestId?: string): Problem {
  const { headers: _headers, ...extra } = error.extra;
  return {
    type: `https://showroom.dev/problems/${error.code.replaceAll('_', '-')}`,
    title: titles[error.code],
    status: error.status,
    detail: error.detail,
    code: error.code,
    requestId,
    ...extra,
  };
}

/** Renders a problem as a Response; used by the error handler and by middleware that answers early. */
export function problemResponse(error: ApiError, requestId?: string, headers: Record<string, string> = {}): Response {
  // A 401 must name a scheme to authenticate with (RFC 9110 §15.5.2); errors about a presented token say
  // more (RFC 6750 §3: error="invalid_token" / "invalid_request").
  const challenge: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {};
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: error.status,
    headers: { 'content-type': 'application/problem+json', ...challenge, ...error.extra.headers, ...headers },
  });
}
