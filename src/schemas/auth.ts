/** Schemas for sessions, refresh tokens and the audit trail. */
import { z } from '@hono/zod-openapi';
import { Id, Timestamp } from './common';

export const RefreshTokenBody = z
  .object({
    refreshToken: z.string().min(1).max(200).openapi({ example: 'rt_Jx0m1y7WcR0h3mB8Qe6qv2Xz5nK4sT9uLpA1dF3gH7E' }),
  })
  .strict()
  .openapi('RefreshTokenBody');

export const Session = z
  .object({
    id: Id('session'),
    method: z.enum(['password', 'passkey']).openapi({ example: 'passkey' }),
    device: z.string().nullable().openapi({ example: 'ios' }),
    userAgent: z.string().nullable().openapi({ example: 'Showroom/2.3.0 (iPhone; iOS 18.1)' }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp,
    expiresAt: Timestamp,
    current: z.boolean().openapi({ description: 'The session this request was made with' }),
  })
  .openapi('Session');

export const SessionList = z.object({ data: z.array(Session) }).openapi('SessionList');

export const AuditEvent = z
  .object({
    id: Id('audit'),
    at: Timestamp,
    type: z.string().openapi({ example: 'login.failed' }),
    userId: z.string().nullable().openapi({ example: 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f' }),
    actorId: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).openapi({ example: { reason: 'bad_password' } }),
  })
  .openapi('AuditEvent');

export const AuditQuery = z.object({
  type: z.string().max(40).optional().openapi({ example: 'login.failed' }),
  userId: Id('user').optional(),
});
