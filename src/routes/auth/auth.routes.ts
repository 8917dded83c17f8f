import { createRoute } from '@hono/zod-openapi';
import { jsonBody, jsonContent, problems } from '../../lib/openapi';
import { AuthResult, LoginBody, RegisterBody } from '../../schemas/users';

const tags = ['Auth'];

export const register = createRoute({
  operationId: 'auth.register',
  method: 'post',
  path: '/v1/auth/register',
  tags,
  summary: 'Create an account (shopper or creator)',
  request: { body: jsonBody(RegisterBody) },
  responses: {
    201: jsonContent(AuthResult, 'The new account and its tokens'),
    ...problems(400, 409, 413, 429),
  },
});

export const login = createRoute({
  operationId: 'auth.login',
  method: 'post',
  path: '/v1/auth/login',
  tags,
  summary: 'Sign in with email and password',
  request: { body: jsonBody(LoginBody) },
  responses: {
    200: jsonContent(AuthResult, 'The account and fresh tokens'),
    ...problems(400, 401, 429),
  },
});
