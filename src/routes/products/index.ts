import { createRouter } from '../../lib/openapi';
import { createHandler, getOneHandler, listHandler, patchHandler, removeHandler } from './products.handlers';
import * as routes from './products.routes';

export const productsRouter = createRouter()
  .openapi(routes.list, listHandler)
  .openapi(routes.getOne, getOneHandler)
  .openapi(routes.create, createHandler)
  .openapi(routes.patch, patchHandler)
  .openapi(routes.remove, removeHandler);
