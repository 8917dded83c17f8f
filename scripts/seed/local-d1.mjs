// Opens the local D1 database that `wrangler dev` / `wrangler d1 --local` use, through Miniflare's Node API:
// one workerd start for the emptiness check and every seed batch, instead of a wrangler CLI process (bundle
// load, SQL re-splitting, workerd start) per file. Same storage: <persistTo>/v3/d1, keyed by database_id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

export async function openLocalD1(root, persistTo = join(root, '.wrangler', 'state')) {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  const databaseId = /^\s*database_id\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  if (!databaseId) throw new Error('wrangler.toml has no [[d1_databases]] database_id');
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
    d1Databases: { DB: { id: databaseId } },
    defaultPersistRoot: join(persistTo, 'v3'),
  });
  const db = await mf.getD1Database('DB');
  return { db, dispose: () => mf.dispose() };
}
