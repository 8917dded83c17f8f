// The Worker entry: the Hono app handles fetch; the cron runs maintenance; Durable Object classes are re-exported here.
import { app } from './app';
import { liveSocketUpgrade } from './services/live-sessions';
import { runScheduledMaintenance } from './services/maintenance';

export { LiveSession } from '../durable-objects/live-session';
export { RateLimiter } from '../durable-objects/rate-limiter';

export default {
  // Live-session WebSockets skip the HTTP middleware (see liveSocketUpgrade); everything else is the app.
  fetch: (request, env, ctx) => liveSocketUpgrade(request, env) ?? app.fetch(request, env, ctx),
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
