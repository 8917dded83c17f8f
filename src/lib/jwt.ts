/**
 * HS256 access tokens with a key id. Signing keys come from secrets: `JWT_SECRET` signs, and
 * `JWT_PREVIOUS_SECRETS` (comma-separated) still verify, so a key can be rotated without signing anyone
 * out. The `kid` header is derived from the secret (a SHA-256 prefix), so it never needs configuring.
 * Hand-rolled on WebCrypto rather than hono/jwt because the verifier must pick the key by `kid` and
 * must reject anything that is not exactly HS256 (no `alg: none`, no algorithm confusion).
 */
import { ApiError } from './errors';

interface SigningKey {
  kid: string;
  key: CryptoKey;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Per-isolate cache: importing a key and hashing its id costs ~0.1 ms, once. */
const keyCache = new Map<string, Promise<SigningKey>>();

export function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (ch) => ch.charCodeAt(0));
}

function loadKey(secret: string): Promise<SigningKey> {
  let cached = keyCache.get(secret);
  if (!cached) {
    cached = (async () => {
      const raw = encoder.encode(secret);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
      const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
        'verify',
      ]);
      return { kid: base64url(digest).slice(0, 12), key };
    })();
    keyCache.set(secret, cached);
  }
  return cached;
}

function secrets(env: Env): { current: string; previous: string[] } {
  const current = env.JWT_SECRET;
  if (!current || current.length < 32) throw new ApiError('unavailable', 'JWT_SECRET is not configured');
  const previous = (env.JWT_PREVIOUS_SECRETS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length >= 32);
  return { current, previous };
}

/** Signs `claims` with the current key; the header names the key with `kid`. */
export async function signJwt(env: Env, claims: Record<string, unknown>): Promise<string> {
  const { kid, key } = await loadKey(secrets(env).current);
  const header = base64url(encoder.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })));
  const payload = base64url(encoder.encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign('HMAC', key, encoder.encode(`${header}.${payload}`));
  return `${header}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Verifies structure, algorithm, key id, signature (constant-time, by WebCrypto) and expiry; returns the
 * claims. Throws a plain Error on any failure; callers turn it into a 401.
 */
export async function verifyJwt(env: Env, token: string, nowSeconds: number): Promise<Record<string, unknown>> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('malformed');
  const header = JSON.parse(decoder.decode(fromBase64url(parts[0])));
  if (header?.alg !== 'HS256' || typeof header.kid !== 'string') throw new Error('algorithm or kid');
  const { current, previous } = secrets(env);
  let signingKey: SigningKey | undefined;
  for (const secret of [current, ...previous]) {
    const candidate = await loadKey(secret);
    if (candidate.kid === header.kid) signingKey = candidate;
  }
  if (!signingKey) throw new Error('unknown kid');
  const valid = await crypto.subtle.verify(
    'HMAC',
    signingKey.key,
    fromBase64url(parts[2]),
    encoder.encode(`${parts[0]}.${parts[1]}`),
  );
  if (!valid) throw new Error('signature');
  const claims = JSON.parse(decoder.decode(fromBase64url(parts[1])));
  if (typeof claims?.exp !== 'number' || claims.exp <= nowSeconds) throw new Error('expired');
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + 60) throw new Error('issued in the future');
  return claims;
}

/** The key id tokens are signed with now (for tests and diagnostics). */
export async function currentKid(env: Env): Promise<string> {
  return (await loadKey(secrets(env).current)).kid;
}
