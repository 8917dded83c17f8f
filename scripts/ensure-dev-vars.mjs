// Creates .dev.vars (local secrets) with a random JWT signing secret when it is missing.
// wrangler dev and `wrangler types` read it; it is git-ignored and never deployed.
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(import.meta.dirname, '..', '.dev.vars');
if (!existsSync(file)) {
  writeFileSync(file, `JWT_SECRET="${randomBytes(32).toString('base64url')}"\n`);
  console.log('ensure-dev-vars: wrote .dev.vars with a fresh JWT_SECRET');
}
