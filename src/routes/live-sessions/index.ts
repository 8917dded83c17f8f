import { createRouter } from '../../lib/openapi';
import * as host from './live-host.handlers';
import * as hostRoutes from './live-host.routes';
import * as sessions from './live-sessions.handlers';
import * as routes from './live-sessions.routes';
import * as viewer from './live-viewer.handlers';
import * as viewerRoutes from './live-viewer.routes';

export const liveSessionsRouter = createRouter()
  .openapi(routes.create, sessions.createHandler)
  .openapi(routes.list, sessions.listHandler)
  .openapi(routes.getOne, sessions.getHandler)
  .openapi(routes.replay, sessions.replayHandler)
  .openapi(routes.socket, sessions.socketHandler)
  .openapi(hostRoutes.start, host.startHandler)
  .openapi(hostRoutes.end, host.endHandler)
  .openapi(hostRoutes.patchProduct, host.patchProductHandler)
  .openapi(hostRoutes.flashSale, host.flashSaleHandler)
  .openapi(viewerRoutes.createHold, viewer.createHoldHandler)
  .openapi(viewerRoutes.releaseHold, viewer.releaseHoldHandler)
  .openapi(viewerRoutes.ticket, viewer.ticketHandler);
