// The usual alternative for `npm run bench:live`: a Socket.IO room on Node. Viewers join one room; the host's
// `POST /update {stock}` broadcasts a stock event shaped like ours to the room and answers with its seq.
// Runs in its own process so its memory can be measured alone. Usage: node socketio-server.mjs <port>
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { benchStockEvent } from './bench-stock-event.mjs';

const port = Number(process.argv[2]);
let seq = 0;
const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/update') {
    res.writeHead(404).end();
    return;
  }
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    const { stock } = JSON.parse(body);
    seq += 1;
    io.to('show').emit('stock', benchStockEvent(stock, seq));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ seq }));
  });
});
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false });
io.on('connection', (socket) => {
  socket.join('show');
  socket.emit('snapshot', { seq });
});
http.listen(port, '127.0.0.1', () => process.send?.({ type: 'listening' }));
