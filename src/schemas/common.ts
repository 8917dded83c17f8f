/** Schemas shared by every resource: the problem document and id path parameters. */
import { z } from '@hono/zod-openapi';
import { errorStatus } from '../lib/errors';
import { type IdKind, idFormat, idPattern, idPrefixes } from '../lib/ids';

/** Every code by status ("409: already_exists, …"), from the one table, so the document never lags it. */
function codesByStatus(): string {
  const byStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(errorStatus)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].map(([status, codes]) => `${status}: ${codes.join(', ')}`).join('; ');
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://showroom.dev/problems/validation-failed' }),
    title: z.string().openapi({ example: 'Validation failed' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: 'body.email: Invalid email address' }),
    // A string, not an enum: a client generated from this document must still read a code added later.
    code: z.string().openapi({
      description: `Stable and machine-readable: branch on it (\`type\` is https://showroom.dev/problems/ and the code with dashes). Codes by status: ${codesByStatus()}.`,
      example: 'validation_failed',
    }),
    requestId: z.string().optional().openapi({ example: '6f1c7f8e-2a4b-4c1d-9f3e-0b6a2d9c1e47' }),
    orderStatus: z
      .string()
      .optional()
      .openapi({ description: 'On a 409 for an order action: the state the order is in now', example: 'paid' }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ example: [{ path: 'email', message: 'Invalid email address' }] }),
  })
  .openapi('Problem');

/** A prefixed id, e.g. `IdParam('product')` accepts `prd_01j…`. */
export function Id(kind: IdKind) {
  return z
    .string()
    .regex(idPattern(kind), idFormat(kind))
    .openapi({ example: `${idPrefixes[kind]}_01jd3v8m2k9q4x7n5b6c8d0e1f` });
}

export function IdParams(kind: IdKind) {
  return z.object({ id: Id(kind).openapi({ param: { name: 'id', in: 'path' } }) });
}

export const Timestamp = z.string().datetime().openapi({ example: '2026-11-26T13:00:00.000Z' });

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A number read from the query string, e.g. `QueryNumber(z.number().int().min(0))`. Not `z.coerce.number()`:
 * that turns null into 0, and the OpenAPI generator, which asks a schema whether it takes null, then documents
 * the parameter as nullable and never required, so a generated client may leave out one the server needs.
 */
export function QueryNumber<T extends z.ZodNumber>(schema: T) {
  // Number('') and Number(' ') are 0: a blank parameter (an empty form field) must fail, not mean zero.
  return z.preprocess(
    (value) => (typeof value === 'string' ? (value.trim() === '' ? Number.NaN : Number(value)) : value),
    schema,
  );
}
