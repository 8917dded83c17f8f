import { call } from './http';

let counter = 0;

/** Registers a fresh account and returns its id and access token. */
export async function signUp(role: 'shopper' | 'creator' = 'shopper', overrides: { email?: string } = {}) {
  counter += 1;
  const email = overrides.email ?? `${role}-${counter}-${crypto.randomUUID().slice(0, 8)}@test.dev`;
  const res = await call('POST', '/v1/auth/register', {
    body: { email, password: 'correct-horse-battery', displayName: `${role} ${counter}`, role },
  });
  if (res.status !== 201) throw new Error(`signUp failed: ${res.status} ${res.text}`);
  return {
    id: res.json.user.id as string,
    token: res.json.accessToken as string,
    refreshToken: res.json.refreshToken as string,
    email,
    user: res.json.user,
  };
}

/** Signs up the configured admin (ADMIN_EMAILS in wrangler.toml). */
export async function signUpAdmin() {
  const res = await call('POST', '/v1/auth/login', {
    body: { email: 'admin@showroom.test', password: 'correct-horse-battery' },
  });
  if (res.status === 200) return { id: res.json.user.id as string, token: res.json.accessToken as string };
  const created = await signUp('shopper', { email: 'admin@showroom.test' });
  return { id: created.id, token: created.token };
}
