// The floor for `npm run bench:live`: the least a Durable Object can do for the same viewers. One object,
// hibernatable sockets, a snapshot frame on connect, and `POST /update {stock}` broadcasting a stock event
// shaped like ours (same fields, same size). No API, no D1, no event log: whatever our session object costs
// beyond this is ours; what this costs is the runtime's.
import { DurableObject } from 'cloudflare:workers';
import { benchStockEvent } from './bench-stock-event.mjs';

export class BareRoom extends DurableObject {
  seq = 0;

  async fetch() {
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ type: 'snapshot', epoch: 1, seq: this.seq }));
    return new Response(null, { status: 101, webSocket: client });
  }

  broadcast(stock) {
    this.seq += 1;
    const frame = JSON.stringify(benchStockEvent(stock, this.seq));
    for (const ws of this.ctx.getWebSockets()) ws.send(frame);
    return this.seq;
  }

  webSocketMessage() {}

  webSocketClose(ws) {
    try {
      ws.close(1000);
    } catch {}
  }
}

export default {
  async fetch(request, env) {
    const room = env.ROOM.get(env.ROOM.idFromName('bench'));
    if (request.headers.get('upgrade') === 'websocket') return room.fetch(request);
    const { stock } = await request.json();
    return Response.json({ seq: await room.broadcast(stock) });
  },
};
