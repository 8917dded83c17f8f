import { createRouter } from '../../lib/openapi';
import * as handlers from './moderation.handlers';
import * as routes from './moderation.routes';

export const moderationRouter = createRouter()
  .openapi(routes.report, handlers.reportHandler)
  .openapi(routes.listReports, handlers.listReportsHandler)
  .openapi(routes.hide, handlers.hideHandler)
  .openapi(routes.unhide, handlers.unhideHandler);
