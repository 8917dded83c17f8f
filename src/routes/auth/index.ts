import { createRouter } from '../../lib/openapi';
import { loginHandler, registerHandler } from './auth.handlers';
import * as routes from './auth.routes';

export const authRouter = createRouter().openapi(routes.register, registerHandler).openapi(routes.login, loginHandler);
