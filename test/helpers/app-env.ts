/** Calls the app with some configuration changed (e.g. ADMIN_EMAILS, limits); the bindings stay real. */
import { createExecutionContext, env } from 'cloudflare:test';
import { app } from '../../src/app';

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
  return { status: res.status, headers: res.headers, text, json: text ? JSON.parse(text) : undefined };
}
