/** Money is integer minor units plus an ISO 4217 currency code; never a float. */
import { z } from '@hono/zod-openapi';

/** The ISO 4217 codes in use, as the runtime's ICU knows them: three capitals alone let 'ZZZ' through. */
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export const Currency = z
  .string()
  // abort: a code that is not three capitals is not looked up too (one error, not the same one twice).
  .regex(/^[A-Z]{3}$/, { message: 'an ISO 4217 code such as USD', abort: true })
  .refine((code) => ISO_4217.has(code), 'an ISO 4217 code such as USD')
  .openapi({ example: 'USD' });

export const Money = z
  .object({
    amount: z.number().int().min(0).max(100_000_000).openapi({ description: 'Integer minor units', example: 1999 }),
    currency: Currency,
  })
  .openapi('Money');

export type Money = z.infer<typeof Money>;

export function money(amount: number, currency: string): Money {
  return { amount, currency };
}
