// The production bundle's size, as `wrangler deploy --dry-run --outdir dist` builds it, and what it is made of.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBundle } from '../../lib/local-server.mjs';
import { root } from './servers.mjs';

/** Bytes each npm package (or our own top-level folder) contributes to the bundle, largest first. */
function contributors(metafile) {
  const meta = JSON.parse(readFileSync(metafile, 'utf8'));
  const bundle = Object.values(meta.outputs).find((output) => output.entryPoint) ?? Object.values(meta.outputs)[0];
  const bytes = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(bundle.inputs)) {
    const inPackage = input.split('node_modules/').at(-1).split('/');
    const name = input.includes('node_modules/')
      ? inPackage.slice(0, inPackage[0].startsWith('@') ? 2 : 1).join('/')
      : `(ours) ${input.split('/').slice(0, 2).join('/')}`;
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return [...bytes].sort((a, b) => b[1] - a[1]).map(([name, size]) => ({ name, kib: size / 1024 }));
}

/**
 * Builds dist/ and measures it: wrangler's own "Total Upload … / gzip: …" line (what Cloudflare's size limit
 * applies to), our gzip of every module in dist/ as a cross-check, and the largest contributors (raw bytes).
 * @returns {{ wranglerLine: string | null, gzipKiB: number, rawKiB: number, largest: {name: string, kib: number}[] }}
 */
export function measureBundle() {
  const metafile = join(root, '.wrangler', 'bundle-meta.json');
  const output = buildBundle(['--metafile', metafile]);
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
  return { wranglerLine, rawKiB: raw / 1024, gzipKiB: gzip / 1024, largest: contributors(metafile).slice(0, 6) };
}
