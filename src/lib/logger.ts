/**
 * Structured JSON logs, one object per line, always with the request id. Never pass secrets,
 * tokens or full emails in `fields`; `maskEmail` exists for the last case.
 */
type Level = 'debug' | 'info' | 'warn' | 'error';

export function log(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** `ada.lovelace@example.com` → `a***@example.com` */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local?.[0] ?? ''}***@${domain ?? ''}`;
}
