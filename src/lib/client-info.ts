/** What a session remembers about the device that started it, read from standard request headers. */
import type { Context } from 'hono';
import type { ClientInfo } from '../services/sessions';
import type { AppEnv } from './context';

export function clientInfo(c: Context<AppEnv>): ClientInfo {
  const device = c.req.header('x-device');
  return {
    requestId: c.get('requestId'),
    device: device && ['ios', 'android', 'web'].includes(device) ? device : undefined,
    userAgent: c.req.header('user-agent'),
  };
}
