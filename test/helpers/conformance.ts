/**
 * Response conformance: every answer `call()` gets is checked against what the OpenAPI document declares
 * for that operation, using the zod schemas the routes were defined with (`app.openAPIRegistry`), so the
 * document integrators generate clients from cannot drift from what the Worker sends.
 *
 * - The status must be declared for the operation (method + path template); HEAD is checked as GET.
 * - A JSON or problem+json body must be declared with that media type and satisfy its zod schema.
 * - A status declared without content must come without a body.
 * Requests no operation matches (a 404 for an unknown path, a 405, /docs assets) are not checked beyond
 * the problem shape every error has.
 */
import type { z } from '@hono/zod-openapi';
import { ProblemSchema } from '../../src/schemas/common';

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

function compile(path: string): RegExp {
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

let operations: Operation[] | undefined;

/**
 * The registered operations, literal paths before templated ones (`/v1/me/shares` before `/v1/me/{x}`).
 * The app is imported on first use, so test files that never call the Worker over HTTP do not load it.
 */
export async function declaredOperations(): Promise<Operation[]> {
  const { app } = await import('../../src/app');
  operations ??= app.openAPIRegistry.definitions
    .flatMap((def) => (def.type === 'route' ? [def.route] : []))
    .map((route) => ({
      method: route.method.toUpperCase(),
      template: route.path,
      pattern: compile(route.path),
      params: route.path.split('{').length - 1,
      responses: route.responses as Operation['responses'],
    }))
    .sort((a, b) => a.params - b.params);
  return operations;
}

export async function findOperation(method: string, path: string): Promise<Operation | undefined> {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const pathname = new URL(path, 'http://x').pathname.replace(/(.)\/+$/, '$1');
  return (await declaredOperations()).find((op) => op.method === m && op.pattern.test(pathname));
}

function isZod(schema: unknown): schema is z.ZodType {
  return typeof (schema as { safeParse?: unknown })?.safeParse === 'function';
}

type Issue = z.core.$ZodIssue;

/** A union's "Invalid input" says nothing: report the issues of the branch that came closest instead. */
function flatten(issues: Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return flatten(closest, path);
  });
}

function describeIssues(error: z.ZodError): string {
  const issues = flatten(error.issues);
  const lines = issues.slice(0, 10).map((i) => `  - ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (issues.length > 10) lines.push(`  … and ${issues.length - 10} more`);
  return lines.join('\n');
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  json: unknown;
}

/**
 * What is wrong with an answer to `method path`, or undefined when it conforms (or no operation is
 * declared there). The message names the request, the status and the zod issues.
 */
export async function conformanceProblem(method: string, path: string, answer: Answer): Promise<string | undefined> {
  const label = `${method.toUpperCase()} ${path} → ${answer.status}`;
  const type = mediaType(answer.contentType);
  const isJson = /^application\/([\w.+-]+\+)?json$/.test(type);
  const op = await findOperation(method, path);
  if (!op) {
    if (type !== 'application/problem+json') return undefined;
    const parsed = ProblemSchema.safeParse(answer.json);
    return parsed.success ? undefined : `${label}: the problem body is not a Problem:\n${describeIssues(parsed.error)}`;
  }
  const where = `${label} (operation ${op.method} ${op.template})`;
  const declared = op.responses[String(answer.status)] ?? op.responses[`${String(answer.status)[0]}XX`];
  if (!declared) {
    return `${where}: status ${answer.status} is not declared (declared: ${Object.keys(op.responses).join(', ')}); body: ${answer.text.slice(0, 300)}`;
  }
  const content = declared.content ?? {};
  const hasBody = method.toUpperCase() !== 'HEAD' && answer.text.length > 0;
  if (Object.keys(content).length === 0) {
    return hasBody
      ? `${where}: declared without a body, but sent ${type || 'a body'}: ${answer.text.slice(0, 300)}`
      : undefined;
  }
  if (!hasBody) return undefined;
  const media = content[type];
  if (!media) {
    return `${where}: sent ${type || 'no content-type'}, declared ${Object.keys(content).join(', ')}`;
  }
  if (!isJson) return undefined;
  if (!isZod(media.schema)) return `${where}: the declared ${type} schema is not a zod schema; cannot check it`;
  if (answer.json === undefined) return `${where}: the ${type} body is not JSON: ${answer.text.slice(0, 300)}`;
  const parsed = media.schema.safeParse(answer.json);
  return parsed.success
    ? undefined
    : `${where}: the body does not fit the declared ${type} schema:\n${describeIssues(parsed.error)}`;
}

/** Mismatches seen during the current test; `setup.ts` fails a test that swallowed one (e.g. allSettled). */
export const unreported: string[] = [];

/** Throws (and records) when an answer does not conform. */
export async function assertConforms(method: string, path: string, answer: Answer): Promise<void> {
  const problem = await conformanceProblem(method, path, answer);
  if (!problem) return;
  unreported.push(problem);
  throw new Error(`Response does not conform to the OpenAPI document: ${problem}`);
}
