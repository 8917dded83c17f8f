// Keeps zod's error messages in English only, to keep the Worker bundle small. Runs on `npm install` / `npm ci`.
//
// zod 4 re-exports its 60-odd locales as a namespace (`z.locales`, `z.core.locales`); because @hono/zod-openapi
// and our schemas use `z` as a value, esbuild cannot drop the unused ones, and they were 260 KiB of the Worker's
// 1.16 MiB (about 50 KiB gzip). Nothing here calls `z.config(z.locales.xx())`: zod already defaults to English,
// imported on its own path. So the locales index is rewritten to export `en` alone. The rewrite is checked
// by content, so it applies to whatever zod version is installed and runs again after every install.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MARKER = '// showroom: English only (scripts/trim-zod-locales.mjs)';
const index = join(import.meta.dirname, '..', 'node_modules', 'zod', 'v4', 'locales', 'index.js');
if (!existsSync(index)) {
  console.error(`trim-zod-locales: ${index} is missing; zod's layout changed, so the bundle keeps every locale`);
  process.exit(0);
}
const current = readFileSync(index, 'utf8');
if (!current.startsWith(MARKER)) {
  if (!current.includes('export { default as en } from "./en.js";')) {
    console.error('trim-zod-locales: the locales index does not export `en` as expected; left as it is');
    process.exit(0);
  }
  writeFileSync(index, `${MARKER}\nexport { default as en } from "./en.js";\n`);
}
console.log('trim-zod-locales: zod locales trimmed to English');
