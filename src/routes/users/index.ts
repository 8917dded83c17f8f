import { createRouter } from '../../lib/openapi';
import * as handlers from './users.handlers';
import * as routes from './users.routes';

export const usersRouter = createRouter()
  .openapi(routes.getOne, handlers.getOneHandler)
  .openapi(routes.follow, handlers.followHandler)
  .openapi(routes.unfollow, handlers.unfollowHandler);
