/**
 * Calls the Worker like a client would (through its fetch handler, inside workerd with real bindings).
 * Every answer is checked against the operation's declared responses (see conformance.ts).
 */
import { SELF } from 'cloudflare:test';
import { assertConforms } from './conformance';

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await SELF.fetch(`http://showroom.test${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON shapes
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  await assertConforms(method, path, { status: res.status, contentType: res.headers.get('content-type'), text, json });
  return { status: res.status, headers: res.headers, json, text };
}

/** Asserts the RFC 9457 shape every 4xx must have. */
export function expectProblem(res: Awaited<ReturnType<typeof call>>, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  if (!res.headers.get('content-type')?.startsWith('application/problem+json')) {
    throw new Error(`expected problem+json, got ${res.headers.get('content-type')}`);
  }
  for (const key of ['type', 'title', 'status', 'detail', 'code']) {
    if (!(key in res.json)) throw new Error(`problem is missing ${key}: ${res.text}`);
  }
  return res.json;
}

/** Asserts the 400 every list gives a cursor it did not write for this query: the problem names `cursor`. */
export function expectInvalidCursor(res: Awaited<ReturnType<typeof call>>) {
  const problem = expectProblem(res, 400);
  const errors = JSON.stringify(problem.errors);
  if (errors !== JSON.stringify([{ path: 'cursor', message: 'invalid cursor' }])) {
    throw new Error(`expected the invalid cursor problem, got ${res.text}`);
  }
  return problem;
}
