import { createRouter } from '../../lib/openapi';
import { eraseMeHandler, eraseUserHandler, exportHandler } from './privacy.handlers';
import * as routes from './privacy.routes';

export const privacyRouter = createRouter()
  .openapi(routes.exportMe, exportHandler)
  .openapi(routes.eraseMe, eraseMeHandler)
  .openapi(routes.eraseUser, eraseUserHandler);
