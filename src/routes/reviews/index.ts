import { createRouter } from '../../lib/openapi';
import * as handlers from './reviews.handlers';
import * as routes from './reviews.routes';

export const reviewsRouter = createRouter()
  .openapi(routes.list, handlers.listHandler)
  .openapi(routes.create, handlers.createHandler);
