import { createRouter } from '../../lib/openapi';
import * as handlers from './feed.handlers';
import * as routes from './feed.routes';

export const feedRouter = createRouter()
  .openapi(routes.feed, handlers.feedHandler)
  .openapi(routes.related, handlers.relatedHandler);
