import type { RouteHandler } from '@hono/zod-openapi';
import { createDb } from '../../db/client';
import { requireUser } from '../../lib/auth';
import type { AppEnv } from '../../lib/context';
import { createComment, listComments } from '../../services/comments';
import { createPost, getPost, setLike } from '../../services/posts';
import type * as routes from './posts.routes';

export const createHandler: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const post = await createPost(createDb(c.env.DB), userId, c.req.valid('json'));
  c.header('Location', `/v1/posts/${post.id}`);
  return c.json(post, 201);
};

export const getOneHandler: RouteHandler<typeof routes.getOne, AppEnv> = async (c) => {
  const auth = c.get('auth');
  c.header('Cache-Control', auth ? 'private, max-age=0, must-revalidate' : 'public, max-age=10');
  c.header('Vary', 'Authorization', { append: true });
  return c.json(await getPost(createDb(c.env.DB), c.req.valid('param').id, auth), 200);
};

export const likeHandler: RouteHandler<typeof routes.like, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await setLike(createDb(c.env.DB), c.req.valid('param').id, userId, true), 200);
};

export const unlikeHandler: RouteHandler<typeof routes.unlike, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  return c.json(await setLike(createDb(c.env.DB), c.req.valid('param').id, userId, false), 200);
};

export const listCommentsHandler: RouteHandler<typeof routes.listComments, AppEnv> = async (c) => {
  c.header('Cache-Control', 'public, max-age=5');
  return c.json(await listComments(createDb(c.env.DB), c.req.valid('param').id, c.req.valid('query')), 200);
};

export const createCommentHandler: RouteHandler<typeof routes.createComment, AppEnv> = async (c) => {
  const { userId } = requireUser(c);
  const comment = await createComment(createDb(c.env.DB), c.req.valid('param').id, userId, c.req.valid('json').text);
  return c.json(comment, 201);
};
