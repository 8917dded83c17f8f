import { describe, expect, it } from 'vitest';
import { TOKEN_NOT_READ } from '../../src/lib/admission';
import { call, expectProblem } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { signUp } from '../helpers/users';

describe('conventions', () => {
  it('reports D1 and KV readiness on /health', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'ok', checks: { d1: { ok: true }, kv: { ok: true } } });
  });

  it('echoes a given request id and generates one otherwise', async () => {
    const given = await call('GET', '/health/live', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const generated = await call('GET', '/health/live');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends security headers, Server-Timing and ETags with 304s', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('server-timing')).toContain('total');
    const tag = res.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    const again = await call('GET', '/openapi.json', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
  });

  it('tags cacheable GETs only: no-store responses get no ETag, and a 304 keeps the request id', async () => {
    const live = await call('GET', '/health/live');
    expect(live.headers.get('cache-control')).toContain('no-store');
    expect(live.headers.get('etag')).toBeNull();
    const doc = await call('GET', '/openapi.json');
    const notModified = await call('GET', '/openapi.json', {
      headers: { 'if-none-match': `"other", ${doc.headers.get('etag')}`, 'x-request-id': 'req-304' },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('x-request-id')).toBe('req-304');
    expect(notModified.headers.get('content-type')).toBeNull();
  });

  it('answers unknown routes, wrong methods and oversized bodies with problem+json', async () => {
    const missing = expectProblem(await call('GET', '/v1/nowhere'), 404);
    expect(missing.requestId).toBeTypeOf('string');
    // A path that exists, with a method it does not take: 405 naming the methods it does.
    const wrongMethod = await call('PUT', '/v1/products/prd_01m8dp0n3mx5zz981hkr65k339', { body: {} });
    expect(expectProblem(wrongMethod, 405).code).toBe('method_not_allowed');
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE, OPTIONS');
    const listOnly = await call('DELETE', '/v1/categories');
    expectProblem(listOnly, 405);
    expect(listOnly.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const huge = 'x'.repeat(70_000);
    expectProblem(
      await call('POST', '/v1/auth/register', { body: { email: 'a@b.co', password: huge, displayName: 'x' } }),
      413,
    );
  });

  it('documents a 400 on every operation that validates a path, query or body', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    type Operation = { operationId: string; parameters?: { in: string }[]; requestBody?: unknown; responses: object };
    const undocumented = Object.values(doc.paths as Record<string, Record<string, Operation>>)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => op.requestBody || op.parameters?.some((p) => p.in === 'path' || p.in === 'query'))
      .filter((op) => !('400' in op.responses))
      .map((op) => op.operationId);
    expect(undocumented).toEqual([]);
    // e.g. a malformed product id on DELETE is the validation problem, as on GET and PATCH.
    const creator = await signUp('creator');
    expectProblem(await call('DELETE', '/v1/products/nope', { token: creator.token }), 400);
  });

  it('documents a 401 on every operation that reads the bearer token, and answers it to a stale one', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    type Operation = { operationId: string; responses: object };
    const paths = Object.entries(doc.paths as Record<string, Record<string, Operation>>).filter(
      ([path]) => !TOKEN_NOT_READ.has(path),
    );
    const undocumented = paths
      .flatMap(([, ops]) => Object.values(ops))
      .filter((op) => !('401' in op.responses))
      .map((op) => op.operationId);
    expect(undocumented).toEqual([]);
    // Public reads included: a client learns its token went bad rather than silently browsing signed out.
    const show = await liveShow();
    const stale = { Authorization: 'Bearer not-a-valid-token' };
    for (const path of ['/v1/live-sessions', `/v1/live-sessions/${show.id}`, `/v1/live-sessions/${show.id}/replay`]) {
      expectProblem(await call('GET', path, { headers: stale }), 401);
    }
  });

  it('marks as nullable in the OpenAPI document the objects the server answers null', async () => {
    const doc = (await call('GET', '/openapi.json')).json;
    const schemas = doc.components.schemas;
    // biome-ignore lint/suspicious/noExplicitAny: walks JSON Schema
    const allowsNull = (s: any): boolean => {
      if (s.$ref) return allowsNull(schemas[s.$ref.split('/').pop()]);
      if (s.type === 'null' || (Array.isArray(s.type) && s.type.includes('null') && !s.allOf)) return true;
      if (s.anyOf || s.oneOf) return (s.anyOf ?? s.oneOf).some(allowsNull);
      return s.allOf ? s.allOf.every(allowsNull) : false;
    };
    // An empty cart, a line no longer on sale, a profile of someone not live, a show not ended: a generated
    // client must accept null.
    expect(allowsNull(schemas.Cart.properties.subtotal)).toBe(true);
    expect(allowsNull(schemas.CartLine.properties.unitPrice)).toBe(true);
    expect(allowsNull(schemas.CartLine.properties.lineTotal)).toBe(true);
    expect(allowsNull(schemas.Profile.properties.liveNow)).toBe(true);
    expect(allowsNull(schemas.LiveSession.properties.summary)).toBe(true); // until the show ends
    // ...and not where it never is: the generator once made the shared LiveSummary itself nullable.
    expect(allowsNull(schemas.Order.properties.total)).toBe(false);
    expect(allowsNull(schemas.LiveEnded.properties.summary)).toBe(false);
    const nullableComponents = Object.keys(schemas).filter((name) => allowsNull(schemas[name]));
    expect(nullableComponents).toEqual([]);
  });

  it('keeps a description given where a shared component is used, and the component its own', async () => {
    const schemas = (await call('GET', '/openapi.json')).json.components.schemas;
    type Schema = { description?: string; allOf?: Schema[] };
    const described = (s: Schema) => s.description ?? s.allOf?.find((part) => part.description)?.description;
    expect(described(schemas.ProductCard.properties.price)).toBe('The lowest variant price');
    expect(described(schemas.ProductListItem.properties.price)).toBe('The lowest variant price');
    expect(described(schemas.ProductCard.properties.socialProof)).toMatch(/^Shared by every viewer/);
    // The generator used to build a component from its first use, description included: every Order.total
    // was "the lowest variant price", and the feed's socialProof said followedBuyers is always null.
    expect(schemas.Money.description).toBeUndefined();
    expect(schemas.SocialProof.description).toMatch(/^Counted from real events/);
  });

  it('documents query parameters as the server reads them: never null, required where it requires them', async () => {
    type Param = { name: string; in: string; required: boolean; schema: { type?: string | string[] } };
    const paths: Record<string, Record<string, { parameters?: Param[] }>> = (await call('GET', '/openapi.json')).json
      .paths;
    const params = Object.entries(paths).flatMap(([path, item]) =>
      Object.values(item).flatMap((op) => (op.parameters ?? []).map((p) => ({ path, ...p }))),
    );
    // A query string cannot carry null; a generated client would offer `atMs?: number | null` and let a
    // caller leave out what the server answers 400 without.
    const nullable = params.filter((p) => Array.isArray(p.schema.type) && p.schema.type.includes('null'));
    expect(nullable.map((p) => `${p.path} ?${p.name}`)).toEqual([]);
    const atMs = params.find((p) => p.path === '/v1/videos/{id}/products' && p.name === 'atMs');
    expect(atMs).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 0 } });
    const minPrice = params.find((p) => p.path === '/v1/products' && p.name === 'minPrice');
    expect(minPrice).toMatchObject({ required: false, schema: { type: 'integer', minimum: 0 } });
  });

  it('serves an OpenAPI 3.1 document and the docs page with a local script', async () => {
    const doc = await call('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toContain('/v1/auth/register');
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('/docs/scalar.js');
    expect(docs.text).not.toMatch(/cdn\.jsdelivr|unpkg/);
  });
});
