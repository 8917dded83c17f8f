/**
 * WebAuthn ceremonies' JSON, as browsers' `PublicKeyCredential.toJSON()` and the common Flutter/Android/iOS
 * passkey libraries produce it (base64url strings). Unknown fields are rejected.
 */
import { z } from '@hono/zod-openapi';
import { Timestamp } from './common';

const B64url = z
  .string()
  .regex(/^[A-Za-z0-9_-]*$/, 'base64url')
  .max(16_384);

export const CredentialId = B64url.min(16).max(1366).openapi({ example: 'dGVzdC1jcmVkZW50aWFsLWlkLTAx' });

export const PasskeyParams = z.object({ id: CredentialId.openapi({ param: { name: 'id', in: 'path' } }) });

const common = {
  id: CredentialId,
  rawId: CredentialId,
  type: z.literal('public-key'),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
};

export const PasskeyRegisterVerifyBody = z
  .object({
    response: z
      .object({
        ...common,
        response: z
          .object({
            clientDataJSON: B64url,
            attestationObject: B64url,
            authenticatorData: B64url.optional(),
            transports: z.array(z.string().max(32)).max(10).optional(),
            publicKeyAlgorithm: z.number().int().optional(),
            publicKey: B64url.optional(),
          })
          .strict(),
      })
      .strict()
      .openapi({ description: 'The result of navigator.credentials.create(), as JSON' }),
    name: z.string().trim().min(1).max(60).optional().openapi({ example: "Ada's iPhone" }),
  })
  .strict()
  .openapi('PasskeyRegisterVerifyBody');

export const PasskeyLoginVerifyBody = z
  .object({
    response: z
      .object({
        ...common,
        response: z
          .object({
            clientDataJSON: B64url,
            authenticatorData: B64url,
            signature: B64url,
            userHandle: B64url.optional(),
          })
          .strict(),
      })
      .strict()
      .openapi({ description: 'The result of navigator.credentials.get(), as JSON' }),
  })
  .strict()
  .openapi('PasskeyLoginVerifyBody');

/** PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON: pass straight to the platform API. */
export const PasskeyOptions = z
  .looseObject({
    challenge: z.string().openapi({ example: 'r3Xn9mG2k8J4bq0tY6wA1e5dV7cZ' }),
    rpId: z.string().optional().openapi({ example: 'showroom.example' }),
    timeout: z.number().optional().openapi({ example: 300000 }),
  })
  .openapi('PasskeyOptions', {
    description:
      'WebAuthn options JSON. Registration options also carry `rp`, `user`, `pubKeyCredParams`, ' +
      '`excludeCredentials`, `authenticatorSelection`; login options carry `userVerification`.',
  });

export const Passkey = z
  .object({
    id: CredentialId,
    name: z.string().openapi({ example: "Ada's iPhone" }),
    deviceType: z.string().openapi({ example: 'multiDevice' }),
    backedUp: z.boolean(),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
  })
  .openapi('Passkey');

export const PasskeyList = z.object({ data: z.array(Passkey) }).openapi('PasskeyList');
