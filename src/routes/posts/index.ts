import { createRouter } from '../../lib/openapi';
import * as handlers from './posts.handlers';
import * as routes from './posts.routes';

export const postsRouter = createRouter()
  .openapi(routes.create, handlers.createHandler)
  .openapi(routes.getOne, handlers.getOneHandler)
  .openapi(routes.like, handlers.likeHandler)
  .openapi(routes.unlike, handlers.unlikeHandler)
  .openapi(routes.listComments, handlers.listCommentsHandler)
  .openapi(routes.createComment, handlers.createCommentHandler);
