// The Worker entry: the Hono app handles fetch; Durable Object classes are re-exported here.
import { app } from './app';

export { LiveSession } from '../durable-objects/live-session';
export { RateLimiter } from '../durable-objects/rate-limiter';
export default app;
