import { z } from '@hono/zod-openapi';
import { Id, Timestamp } from './common';

export const PrivacyExport = z
  .object({
    format: z.literal('showroom-export/1'),
    exportedAt: Timestamp,
    userId: Id('user'),
    areas: z.record(z.string(), z.unknown()).openapi({
      description:
        'One key per area that keeps personal data: `account` (profile, preferences and consents, sessions, ' +
        'passkeys, security events), `social`, `discovery`, `live` (incl. chat and holds kept by live ' +
        'sessions), and any area registered later (e.g. orders).',
      example: { account: { profile: { id: 'usr_01jd3v8m2k9q4x7n5b6c8d0e1f', email: 'ada@example.com' } } },
    }),
  })
  .openapi('PrivacyExport');
