// Creates .dev.vars (local secrets) when missing, and adds any secret it lacks to an existing one:
// a random JWT signing secret, and an empty list of previous signing secrets (used during key rotation).
// wrangler dev and `wrangler types` read it; it is git-ignored and never deployed.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '..', '.dev.vars');
const wanted = {
  JWT_SECRET: () => randomBytes(32).toString('base64url'),
  JWT_PREVIOUS_SECRETS: () => '',
};
const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
const missing = Object.keys(wanted).filter((name) => !new RegExp(`^${name}=`, 'm').test(current));
if (missing.length > 0) {
  const lines = missing.map((name) => `${name}="${wanted[name]()}"`);
  const prefix = current && !current.endsWith('\n') ? '\n' : '';
  writeFileSync(file, `${current}${prefix}${lines.join('\n')}\n`);
  console.log(`ensure-dev-vars: wrote ${missing.join(', ')} to .dev.vars`);
}
