import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { Page, PageQuery } from '../../lib/pagination';
import { IdParams } from '../../schemas/common';
import { Comment, CommentCreate, LikeState, Post, PostCreate } from '../../schemas/social';

const tags = ['Social'];

export const create = createRoute({
  operationId: 'posts.create',
  method: 'post',
  path: '/v1/posts',
  tags,
  summary: 'Publish a post with media and product tags',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(PostCreate) },
  responses: { 201: jsonContent(Post, 'The new post'), ...problems(400, 401, 413, 422) },
});

export const getOne = createRoute({
  operationId: 'posts.get',
  method: 'get',
  path: '/v1/posts/{id}',
  tags,
  summary: 'A post with its like and comment counts',
  request: { params: IdParams('post') },
  responses: { 200: jsonContent(Post, 'The post'), ...notModified, ...problems(400, 401, 404) },
});

export const like = createRoute({
  operationId: 'posts.like',
  method: 'post',
  path: '/v1/posts/{id}/likes',
  tags,
  summary: 'Like a post (one per user; idempotent)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('post') },
  responses: { 200: jsonContent(LikeState, 'You like it'), ...problems(400, 401, 404) },
});

export const unlike = createRoute({
  operationId: 'posts.unlike',
  method: 'delete',
  path: '/v1/posts/{id}/likes',
  tags,
  summary: 'Take back your like (idempotent)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('post') },
  responses: { 200: jsonContent(LikeState, 'You no longer like it'), ...problems(400, 401, 404) },
});

export const listComments = createRoute({
  operationId: 'posts.listComments',
  method: 'get',
  path: '/v1/posts/{id}/comments',
  tags,
  summary: 'Comments on a post, oldest first',
  request: { params: IdParams('post'), query: PageQuery },
  responses: {
    200: jsonContent(Page(Comment, 'CommentPage'), 'A page of comments'),
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const createComment = createRoute({
  operationId: 'posts.createComment',
  method: 'post',
  path: '/v1/posts/{id}/comments',
  tags,
  summary: 'Comment on a post',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('post'), body: jsonBody(CommentCreate) },
  responses: { 201: jsonContent(Comment, 'The new comment'), ...problems(400, 401, 404, 413) },
});
