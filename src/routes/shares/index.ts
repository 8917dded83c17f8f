import { createRouter } from '../../lib/openapi';
import * as handlers from './shares.handlers';
import * as routes from './shares.routes';

export const sharesRouter = createRouter()
  .openapi(routes.create, handlers.createHandler)
  .openapi(routes.stats, handlers.statsHandler)
  .openapi(routes.mine, handlers.mineHandler)
  .openapi(routes.follow, handlers.followHandler);
