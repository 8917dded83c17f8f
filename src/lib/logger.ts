/**
 * Structured JSON logs, one object per line, always with the request id. Never pass secrets, tokens or
 * full emails in `fields`; as a safety net, `log` redacts fields named like secrets and masks anything
 * that looks like an email, a JWT or a refresh token before the line is written.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

const SECRET_KEY = /pass(word)?|token|secret|authorization|cookie|signature|ticket/i;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const REFRESH_TOKEN = /\brt_[\w-]{20,}/g;

function scrub(value: unknown, key = ''): unknown {
  if (SECRET_KEY.test(key)) return '[redacted]';
  if (typeof value === 'string') {
    return value.replace(JWT, '[jwt]').replace(REFRESH_TOKEN, '[refresh-token]').replace(EMAIL, '$1***@$2');
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k)]));
  }
  return value;
}

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...(scrub(fields) as object) });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** `ada.lovelace@example.com` → `a***@example.com` */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local?.[0] ?? ''}***@${domain ?? ''}`;
}
