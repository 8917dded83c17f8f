// One load process of `npm run bench:live`: opens `count` viewer sockets and records, per socket, when each
// stock update arrived. Driven over IPC by bench-live.mjs: 'connect' → 'ready', 'collect' → results, 'close'.
//   kind 'live'     : the `ws` package against GET /v1/live-sessions/{id}/ws (our protocol)
//   kind 'socketio' : socket.io-client (websocket transport) against the Socket.IO room server
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now();
const sockets = [];

function record(viewer, update) {
  if (update.seq < viewer.lastSeq) viewer.outOfOrder += 1;
  viewer.lastSeq = Math.max(viewer.lastSeq, update.seq);
  viewer.received.push(update.id, now());
}

function openLive(url) {
  return new Promise((resolve, reject) => {
    const viewer = { received: [], lastSeq: 0, outOfOrder: 0, close: () => ws.close() };
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      // The stock value the host set is the update's id.
      if (message.type === 'stock') record(viewer, { id: message.available, seq: message.seq });
      else if (message.type === 'snapshot') resolve(viewer);
    });
    ws.on('error', reject);
  });
}

function openSocketIo(url) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const viewer = { received: [], lastSeq: 0, outOfOrder: 0, close: () => socket.close() };
    socket.on('stock', (message) => record(viewer, { id: message.available, seq: message.seq }));
    socket.on('snapshot', () => resolve(viewer));
    socket.on('connect_error', reject);
  });
}

async function connect({ kind, url, count }) {
  const open = kind === 'live' ? openLive : openSocketIo;
  // Batches, so the server is not hit by thousands of handshakes in one instant.
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () => open(url));
    sockets.push(...(await Promise.all(batch)));
  }
}

process.on('message', async (command) => {
  try {
    if (command.type === 'connect') {
      await connect(command);
      process.send({ type: 'ready', count: sockets.length });
    } else if (command.type === 'collect') {
      process.send({
        type: 'results',
        viewers: sockets.map((v) => ({ received: v.received, outOfOrder: v.outOfOrder })),
      });
      for (const v of sockets) {
        v.received = [];
        v.outOfOrder = 0;
      }
    } else if (command.type === 'close') {
      for (const v of sockets) v.close();
      setTimeout(() => process.exit(0), 200);
    }
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
