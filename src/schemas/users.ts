import { z } from '@hono/zod-openapi';
import { Currency } from '../lib/money';
import { Id, Timestamp } from './common';

export const Role = z.enum(['shopper', 'creator', 'admin']).openapi({ example: 'shopper' });
export type Role = z.infer<typeof Role>;

function isLanguageTag(tag: string) {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * A name shown to others (creator cards, chat, comments): no control characters, and no bidirectional
 * overrides, which can make a name display as someone else's. Joiners stay, for emoji sequences.
 */
const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .refine((name) => !/[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(name), {
    message: 'no control or text-direction characters',
  });

export const Preferences = z
  .object({
    locale: z
      .string()
      .max(35)
      .refine(isLanguageTag, 'a BCP 47 language tag such as en-GB')
      .optional()
      .openapi({ example: 'en-GB' }),
    currency: Currency.optional().openapi({ example: 'GBP' }),
    interests: z
      .array(z.string().min(1).max(40))
      .max(50)
      .optional()
      .openapi({ example: ['sneakers', 'skincare'] }),
    consents: z
      .object({
        personalization: z.boolean().optional().openapi({
          description: 'false opts out of personalised feeds, recommendations and ranking (default true)',
        }),
        marketing: z
          .boolean()
          .optional()
          .openapi({ description: 'true opts in to marketing messages (default false)' }),
        /** CCPA "do not sell or share my personal information". */
        doNotSell: z.boolean().optional().openapi({
          description:
            'CCPA "do not sell or share": true keeps personal data out of any third-party sharing (default false)',
        }),
      })
      .strict()
      .optional()
      .openapi({ description: 'Consents; read them through src/services/consents.ts, which applies the defaults' }),
  })
  .strict()
  .openapi('Preferences');

export const User = z
  .object({
    id: Id('user'),
    email: z.string().email().openapi({ example: 'ada@example.com' }),
    displayName: z.string().openapi({ example: 'Ada' }),
    role: Role,
    preferences: Preferences,
    createdAt: Timestamp,
  })
  .openapi('User');

export const Email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((e) => e.toLowerCase())
  .openapi({ example: 'ada@example.com' });

export const Password = z
  .string()
  .min(10, 'at least 10 characters')
  .max(200)
  .openapi({ example: 'correct-horse-battery' });

export const RegisterBody = z
  .object({
    email: Email,
    password: Password,
    displayName: DisplayName.openapi({ example: 'Ada' }),
    role: z
      .enum(['shopper', 'creator'])
      .default('shopper')
      .openapi({ description: 'Admins are named by configuration' }),
  })
  .strict()
  .openapi('RegisterBody');

export const LoginBody = z
  .object({ email: Email, password: z.string().min(1).max(200) })
  .strict()
  .openapi('LoginBody');

export const AuthResult = z
  .object({
    user: User,
    accessToken: z.string().openapi({ description: 'Short-lived JWT; send as `Authorization: Bearer …`' }),
    refreshToken: z.string().openapi({
      description: 'Opaque, single-use: exchange it at /v1/auth/refresh for a new pair; store it securely',
      example: 'rt_Jx0m1y7WcR0h3mB8Qe6qv2Xz5nK4sT9uLpA1dF3gH7E',
    }),
  })
  .openapi('AuthResult');

export const MePatch = z
  .object({
    displayName: DisplayName.optional(),
    preferences: Preferences.optional(),
  })
  .strict()
  .openapi('MePatch');
