// One load process of `npm run bench:live`: holds viewer sockets in named groups (one per server under test)
// and records, per socket, when each stock update arrived. Driven over IPC by bench-live.mjs:
// 'connect' {group, kind, url, count} → 'ready'; 'collect' {group} → 'results'; 'close' {group} → 'closed'.
//   kind 'live'     : the `ws` package against a WebSocket that speaks our protocol (snapshot, then events)
//   kind 'socketio' : socket.io-client (websocket transport) against the Socket.IO room server
import { io } from 'socket.io-client';
import WebSocket from 'ws';

const now = () => performance.timeOrigin + performance.now();
const groups = new Map();

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

async function connect({ group, kind, url, count }) {
  const open = kind === 'socketio' ? openSocketIo : openLive;
  const sockets = [];
  groups.set(group, sockets);
  // Batches, so the server is not hit by thousands of handshakes in one instant.
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () => open(url));
    sockets.push(...(await Promise.all(batch)));
  }
}

process.on('message', async (command) => {
  try {
    const sockets = groups.get(command.group) ?? [];
    if (command.type === 'connect') {
      await connect(command);
      process.send({ type: 'ready', group: command.group });
    } else if (command.type === 'collect') {
      process.send({
        type: 'results',
        group: command.group,
        viewers: sockets.map((v) => ({ received: v.received, outOfOrder: v.outOfOrder })),
      });
    } else if (command.type === 'close') {
      for (const v of sockets) v.close();
      groups.delete(command.group);
      process.send({ type: 'closed', group: command.group });
    } else if (command.type === 'exit') {
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'error', message: String(error?.stack ?? error) });
  }
});
