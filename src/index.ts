// The Worker entry: the Hono app handles fetch; Durable Object classes are re-exported here.
import { app } from './app';

export default app;
