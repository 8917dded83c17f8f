import { createRouter } from '../../lib/openapi';
import { loginHandler, logoutHandler, refreshHandler, registerHandler } from './auth.handlers';
import * as routes from './auth.routes';

export const authRouter = createRouter()
  .openapi(routes.register, registerHandler)
  .openapi(routes.login, loginHandler)
  .openapi(routes.refresh, refreshHandler)
  .openapi(routes.logout, logoutHandler);
