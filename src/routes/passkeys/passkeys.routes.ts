import { createRoute } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, problems } from '../../lib/openapi';
import {
  Passkey,
  PasskeyList,
  PasskeyLoginVerifyBody,
  PasskeyOptions,
  PasskeyParams,
  PasskeyRegisterVerifyBody,
} from '../../schemas/passkeys';
import { AuthResult } from '../../schemas/users';

// Registration and management: any signed-in user, on their own passkeys. Login: public.
const tags = ['Passkeys'];

export const registerOptions = createRoute({
  operationId: 'passkeys.registerOptions',
  method: 'post',
  path: '/v1/auth/passkeys/register/options',
  tags,
  summary: 'Start adding a passkey to my account: WebAuthn creation options',
  description:
    'Pass the JSON to the platform (navigator.credentials.create / the OS passkey API). The challenge is single-use and expires in 5 minutes.',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(PasskeyOptions, 'PublicKeyCredentialCreationOptionsJSON'), ...problems(401, 429) },
});

export const registerVerify = createRoute({
  operationId: 'passkeys.registerVerify',
  method: 'post',
  path: '/v1/auth/passkeys/register/verify',
  tags,
  summary: 'Finish adding a passkey: verify the attestation and store the credential',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { body: jsonBody(PasskeyRegisterVerifyBody) },
  responses: { 201: jsonContent(Passkey, 'The stored passkey'), ...problems(400, 401, 409, 413, 429) },
});

export const loginOptions = createRoute({
  operationId: 'passkeys.loginOptions',
  method: 'post',
  path: '/v1/auth/passkeys/login/options',
  tags,
  summary: 'Start signing in with a passkey: WebAuthn request options (discoverable credentials)',
  responses: { 200: jsonContent(PasskeyOptions, 'PublicKeyCredentialRequestOptionsJSON'), ...problems(429) },
});

export const loginVerify = createRoute({
  operationId: 'passkeys.loginVerify',
  method: 'post',
  path: '/v1/auth/passkeys/login/verify',
  tags,
  summary: 'Finish signing in with a passkey: verify the assertion and issue tokens',
  request: { body: jsonBody(PasskeyLoginVerifyBody) },
  responses: {
    200: jsonContent(AuthResult, 'The account and fresh tokens'),
    ...problems(400, 401, 413, 429, 503),
  },
});

export const list = createRoute({
  operationId: 'passkeys.list',
  method: 'get',
  path: '/v1/me/passkeys',
  tags,
  summary: 'My passkeys',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  responses: { 200: jsonContent(PasskeyList, 'My passkeys'), ...problems(401) },
});

export const remove = createRoute({
  operationId: 'passkeys.remove',
  method: 'delete',
  path: '/v1/me/passkeys/{id}',
  tags,
  summary: 'Remove one of my passkeys',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: PasskeyParams },
  responses: { 204: { description: 'Removed' }, ...problems(400, 401, 404, 429) },
});
