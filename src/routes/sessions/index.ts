import { createRouter } from '../../lib/openapi';
import { listHandler, removeAllHandler, removeHandler } from './sessions.handlers';
import * as routes from './sessions.routes';

export const sessionsRouter = createRouter()
  .openapi(routes.list, listHandler)
  .openapi(routes.remove, removeHandler)
  .openapi(routes.removeAll, removeAllHandler);
