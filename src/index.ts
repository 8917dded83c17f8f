// The Worker entry: the Hono app handles fetch; the cron runs maintenance; Durable Object classes are re-exported here.
import { app } from './app';
import { runScheduledMaintenance } from './services/maintenance';

export { LiveSession } from '../durable-objects/live-session';
export { RateLimiter } from '../durable-objects/rate-limiter';

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
