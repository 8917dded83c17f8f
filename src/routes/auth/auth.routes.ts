import { createRoute } from '@hono/zod-openapi';
import { jsonBody, jsonContent, problems } from '../../lib/openapi';
import { RefreshTokenBody } from '../../schemas/auth';
import { AuthResult, LoginBody, RegisterBody } from '../../schemas/users';

// Public routes (no token): anyone may register, sign in, refresh or log out with a refresh token.
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
    ...problems(400, 409, 413, 429, 503),
  },
});

export const login = createRoute({
  operationId: 'auth.login',
  method: 'post',
  path: '/v1/auth/login',
  tags,
  summary: 'Sign in with email and password',
  description: 'Repeated failures for one account lock its password sign-in with growing back-off (429 + Retry-After).',
  request: { body: jsonBody(LoginBody) },
  responses: {
    200: jsonContent(AuthResult, 'The account and fresh tokens'),
    ...problems(400, 401, 429, 503),
  },
});

export const refresh = createRoute({
  operationId: 'auth.refresh',
  method: 'post',
  path: '/v1/auth/refresh',
  tags,
  summary: 'Exchange a refresh token for a new access and refresh token',
  description:
    'The presented refresh token is spent. Presented again within 60 s, before any token issued for it was ' +
    'used (two refreshes racing on resume, or an answer lost on the way), it gets a pair of its own in the same ' +
    'session. Otherwise presenting a spent token again, or using two pairs issued for one token, revokes the ' +
    'whole session (all its tokens), because it means the token was copied. Refresh once at a time per device.',
  request: { body: jsonBody(RefreshTokenBody) },
  responses: {
    200: jsonContent(AuthResult, 'The account and a fresh token pair'),
    ...problems(400, 401, 429, 503),
  },
});

export const logout = createRoute({
  operationId: 'auth.logout',
  method: 'post',
  path: '/v1/auth/logout',
  tags,
  summary: 'Sign this device out: revokes its session (refresh and access tokens)',
  request: { body: jsonBody(RefreshTokenBody) },
  responses: { 204: { description: 'Signed out (also when the token was already invalid)' }, ...problems(400, 429) },
});
