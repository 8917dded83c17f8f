// `npm run check:order`: a client's frames are handled in the order it sent them. A signed-in host sends 15 chat
// frames back to back, 25 times on new shows, through Miniflare's entry worker and straight from workerd; every
// round must come back as m0 … m14 with consecutive seqs. Real sockets (the `ws` package) on purpose: inside
// the vitest pool a test's in-process socket to the object had its frames delivered out of order in 8 to 21
// of 25 rounds (the object assigned seqs in the order it was handed them), which real sockets never showed.
// Bounded: about 20 s. Ports: ORDER_PORT (default 8841; +1 for the direct socket).
import { join } from 'node:path';
import WebSocket from 'ws';
import { applyMigrations, root, startMiniflareServer } from '../bench/lib/index.mjs';
import { seedShow } from './fixtures.mjs';

const port = Number(process.env.ORDER_PORT ?? 8841);
const rounds = 25;
const frames = 15;
const persistTo = join(root, '.wrangler', 'order-state');
const expected = Array.from({ length: frames }, (_, i) => `m${i}`).join(' ');

async function round(base, mf) {
  const show = await seedShow({ url: base, mf });
  const res = await fetch(new URL(`/v1/live-sessions/${show.sessionId}/tickets`, base), {
    method: 'POST',
    headers: { authorization: `Bearer ${show.token}` },
  });
  const { ticket } = await res.json();
  const url = new URL(`/v1/live-sessions/${show.sessionId}/ws?ticket=${encodeURIComponent(ticket)}`, base);
  url.protocol = 'ws:';
  const ws = new WebSocket(url);
  const chats = [];
  await new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'snapshot') resolve();
      if (message.type === 'chat') chats.push(message);
    });
  });
  for (let i = 0; i < frames; i++) ws.send(JSON.stringify({ type: 'chat', text: `m${i}` }));
  const deadline = Date.now() + 3000;
  while (chats.length < frames && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  ws.close();
  const texts = chats.map((c) => c.message.text).join(' ');
  const consecutive = chats.every((c, i) => c.seq === chats[0].seq + i);
  return texts === expected && consecutive ? undefined : `${texts} (seqs ${chats.map((c) => c.seq).join(' ')})`;
}

applyMigrations(persistTo);
const server = await startMiniflareServer({ port, directPort: port + 1, persistTo });
let failed = 0;
try {
  for (const [label, base] of [
    ['through the entry worker', server.url],
    ['straight from workerd', server.directUrl],
  ]) {
    let wrong = 0;
    for (let i = 0; i < rounds; i++) {
      const problem = await round(base, server.mf);
      if (problem) {
        wrong += 1;
        console.log(`✖ ${label}, round ${i}: ${problem}`);
      }
    }
    console.log(`${wrong ? '✖' : '✔'} ${label}: ${rounds - wrong} of ${rounds} rounds in order`);
    failed += wrong;
  }
} finally {
  await server.dispose();
}
if (failed) {
  console.error('frame order check failed');
  process.exit(1);
}
console.log('frame order check passed');
