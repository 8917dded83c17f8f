import { createRouter } from '../../lib/openapi';
import * as h from './passkeys.handlers';
import * as routes from './passkeys.routes';

export const passkeysRouter = createRouter()
  .openapi(routes.registerOptions, h.registerOptionsHandler)
  .openapi(routes.registerVerify, h.registerVerifyHandler)
  .openapi(routes.loginOptions, h.loginOptionsHandler)
  .openapi(routes.loginVerify, h.loginVerifyHandler)
  .openapi(routes.list, h.listHandler)
  .openapi(routes.remove, h.removeHandler);
