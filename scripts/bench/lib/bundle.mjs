// The production bundle's size, as `wrangler deploy --dry-run --outdir dist` builds it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBundle } from '../../lib/local-server.mjs';
import { root } from './servers.mjs';

/**
 * Builds dist/ and measures it: wrangler's own "Total Upload … / gzip: …" line (what Cloudflare's size limit
 * applies to), and our gzip of every module in dist/ as a cross-check.
 * @returns {{ wranglerLine: string | null, gzipKiB: number, rawKiB: number }}
 */
export function measureBundle() {
  const output = buildBundle();
  const wranglerLine = output.match(/Total Upload:[^\n]*/)?.[0]?.trim() ?? null;
  let raw = 0;
  let gzip = 0;
  const dist = join(root, 'dist');
  for (const file of readdirSync(dist, { recursive: true })) {
    if (!/\.(m?js|wasm)$/.test(file)) continue;
    const bytes = readFileSync(join(dist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { wranglerLine, rawKiB: raw / 1024, gzipKiB: gzip / 1024 };
}
