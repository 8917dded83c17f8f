import type { Context } from 'hono';
import type { EventContext } from '../services/domain-events';
import type { AppEnv } from './context';

/** The context services need to emit domain events from a request. */
export function eventContext(c: Context<AppEnv>): EventContext {
  return { env: c.env, requestId: c.get('requestId'), waitUntil: (p) => c.executionCtx.waitUntil(p) };
}
