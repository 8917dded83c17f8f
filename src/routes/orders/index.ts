import { createRouter } from '../../lib/openapi';
import * as handlers from './orders.handlers';
import * as routes from './orders.routes';

export const ordersRouter = createRouter()
  .openapi(routes.create, handlers.createHandler)
  .openapi(routes.list, handlers.listHandler)
  .openapi(routes.getOne, handlers.getOneHandler)
  .openapi(routes.cancel, handlers.cancelHandler)
  .openapi(routes.pay, handlers.payHandler)
  .openapi(routes.fulfil, handlers.fulfilHandler)
  .openapi(routes.refund, handlers.refundHandler);
