/**
 * Calls the app with some configuration changed (e.g. ADMIN_EMAILS, limits); the bindings stay real. Answers
 * are checked against the OpenAPI document like `call()`'s.
 */
import { createExecutionContext, env } from 'cloudflare:test';
import { app } from '../../src/app';
import { assertConforms } from './conformance';

export async function callWithEnv(
  overrides: Partial<Env>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const req = new Request(`http://showroom.test${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const res = await app.fetch(req, { ...env, ...overrides }, createExecutionContext());
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  await assertConforms(method, path, { status: res.status, contentType: res.headers.get('content-type'), text, json });
  return { status: res.status, headers: res.headers, text, json };
}
