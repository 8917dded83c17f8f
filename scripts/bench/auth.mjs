// `node scripts/bench/auth.mjs`: what authentication costs per request. The same cheap route (/health/live)
// and the product card, each anonymous and with a bearer token (signature check + the revocation read: one
// D1 primary-key lookup of the session joined to its user), plus GET /v1/me; all against the bare route,
// on the production bundle via Miniflare. Anonymous reads must cost the same as before auth existed.
// Ports: BENCH_PORT (default 8820). Bounded: ~1–2 minutes.
import { applyMigrations, printTable, runComparison, startMiniflareServer } from './lib/index.mjs';

const port = Number(process.env.BENCH_PORT ?? 8820);
const step = (text) => process.stderr.write(`▶ ${text}\n`);

async function post(url, path, body, token) {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function account(url, role) {
  const email = `bench-${role}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bench.test`;
  return post(url, '/v1/auth/register', { email, password: 'bench-password-123', displayName: 'Bench', role });
}

step('applying migrations to the benchmark database');
applyMigrations();
const server = await startMiniflareServer({ port });
try {
  const creator = await account(server.url, 'creator');
  const product = await post(
    server.url,
    '/v1/products',
    { title: 'Bench product', price: { amount: 1999, currency: 'USD' }, stock: 100 },
    creator.accessToken,
  );
  const shopper = await account(server.url, 'shopper');
  const bearer = { authorization: `Bearer ${shopper.accessToken}` };
  // Access tokens live 15 minutes; the whole run takes less.
  const result = await runComparison({
    server,
    targets: [
      { name: 'health/live + token', path: '/health/live', headers: bearer },
      { name: 'card (anonymous)', path: `/v1/products/${product.id}` },
      { name: 'card + token', path: `/v1/products/${product.id}`, headers: bearer },
      { name: 'me', path: '/v1/me', headers: bearer },
    ],
    rounds: 3,
    durationSec: 3,
    oneConnection: { rounds: 2, durationSec: 2 },
  });
  printTable(result);
} finally {
  await server.dispose();
}
