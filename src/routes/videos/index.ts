import { createRouter } from '../../lib/openapi';
import * as handlers from './videos.handlers';
import * as routes from './videos.routes';

export const videosRouter = createRouter()
  .openapi(routes.create, handlers.createHandler)
  .openapi(routes.getOne, handlers.getOneHandler)
  .openapi(routes.productsAt, handlers.productsAtHandler)
  .openapi(routes.events, handlers.eventsHandler);
