// The OpenAPI document the Worker actually serves (not a copy), fetched from the production bundle on workerd.
// The OpenAPI lint and the generated-client check both start from it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { startLocalServer } from './local-server.mjs';

/**
 * Bundles and starts the Worker on 127.0.0.1:`port`, saves its `/openapi.json` to `file`, and stops it.
 * @param {{ port: number, file: string }} options
 * @returns {Promise<string>} the document's text
 */
export async function saveServedOpenApi({ port, file }) {
  const server = await startLocalServer({ port });
  let document;
  try {
    const res = await fetch(new URL('/openapi.json', server.url));
    if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
    document = await res.text();
  } finally {
    await server.dispose();
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, document);
  return document;
}
