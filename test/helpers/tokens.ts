/** Helpers for security tests: decoding tokens and signing crafted ones with chosen keys. */
import { env } from 'cloudflare:test';
import { base64url, fromBase64url, signJwt } from '../../src/lib/jwt';

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p] = token.split('.');
  const text = (part: string) => JSON.parse(new TextDecoder().decode(fromBase64url(part)));
  return { header: text(h), claims: text(p) };
}

export function encodePart(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

/** Signs `claims` as if `secret` were the current signing key. */
export function signWith(secret: string, claims: Record<string, unknown>): Promise<string> {
  return signJwt({ ...env, JWT_SECRET: secret }, claims);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
