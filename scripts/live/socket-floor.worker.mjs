// What one viewer's socket costs this workerd before any of our code runs (`npm run bench:live:floor`).
// Three ways to hold the same socket, chosen by path: `/worker` accepts it in a stateless Worker, `/object`
// hands it to a Durable Object that accepts it as hibernatable (what a live session does), `/object-plain`
// to one that accepts it the ordinary way. Each sends one small frame so the client knows it is held.
// `/http` answers a plain 204: the cost of the keep-alive HTTP connection alone, for comparison.
import { DurableObject } from 'cloudflare:workers';

const FRAME = '{"type":"snapshot"}';

export class Room extends DurableObject {
  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    if (new URL(request.url).pathname === '/object-plain') server.accept();
    else this.ctx.acceptWebSocket(server);
    server.send(FRAME);
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage() {}
  webSocketClose() {}
}

/** Kept so a Worker-held socket is not collected while its client is connected. */
const held = [];

export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === '/http') return new Response(null, { status: 204 });
    if (path !== '/worker') return env.ROOM.get(env.ROOM.idFromName('floor')).fetch(request);
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send(FRAME);
    held.push(server);
    return new Response(null, { status: 101, webSocket: client });
  },
};
