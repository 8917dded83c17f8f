import { createRouter } from '../../lib/openapi';
import * as handlers from './segments.handlers';
import * as routes from './segments.routes';

export const segmentsRouter = createRouter()
  .openapi(routes.create, handlers.createHandler)
  .openapi(routes.list, handlers.listHandler)
  .openapi(routes.getOne, handlers.getOneHandler)
  .openapi(routes.members, handlers.membersHandler)
  .openapi(routes.membership, handlers.membershipHandler);
