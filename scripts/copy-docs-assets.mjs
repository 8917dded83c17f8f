// Serves the API reference UI from the Worker's own static assets instead of a CDN,
// so /docs works offline and in CI. Runs on `npm install` / `npm ci`.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const target = join(root, 'public', 'docs', 'scalar.js');
const source = join(root, 'node_modules', '@scalar', 'api-reference', 'dist', 'browser', 'standalone.js');
if (!existsSync(source)) {
  console.error(`copy-docs-assets: ${source} is missing; /docs needs @scalar/api-reference (a devDependency)`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log('copy-docs-assets: public/docs/scalar.js ready');
