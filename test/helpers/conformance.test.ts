import { describe, expect, it } from 'vitest';
import { assertConforms, conformanceProblem, declaredOperations, findOperation, unreported } from './conformance';
import { call } from './http';

const json = (value: unknown, contentType = 'application/json') => ({
  contentType,
  text: JSON.stringify(value),
  json: value,
});

describe('response conformance checker', () => {
  it('knows every operation the served document lists, and matches path templates', async () => {
    const doc = (await call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const registered = (await declaredOperations()).map((op) => `${op.method.toLowerCase()} ${op.template}`);
    expect(registered.sort()).toEqual(served.sort());
    expect((await findOperation('GET', '/v1/products/prd_x?fields=id'))?.template).toBe('/v1/products/{id}');
    expect((await findOperation('HEAD', '/v1/me/'))?.template).toBe('/v1/me');
    expect(await findOperation('GET', '/docs/scalar.js')).toBeUndefined();
  });

  it('passes a declared status with a body that fits', async () => {
    expect(await conformanceProblem('GET', '/health/live', { status: 200, ...json({ status: 'ok' }) })).toBeUndefined();
  });

  it('reports an undeclared status', async () => {
    const problem = await conformanceProblem('GET', '/health/live', { status: 418, ...json({ status: 'ok' }) });
    expect(problem).toMatch(/^GET \/health\/live → 418 .*status 418 is not declared \(declared: 200\)/);
  });

  it('reports a body that does not fit, with the zod issues', async () => {
    const problem = await conformanceProblem('GET', '/health/live', { status: 200, ...json({ status: 'fine' }) });
    expect(problem).toContain('GET /health/live → 200');
    expect(problem).toMatch(/- status: .*"ok"/);
  });

  it('reports the closest branch of a union schema', async () => {
    const card = { id: 'prd_01jd3v8m2k9q4x7n5b6c8d0e1f', title: 42 };
    const problem = await conformanceProblem('GET', '/v1/products/prd_01jd3v8m2k9q4x7n5b6c8d0e1f?fields=id,title', {
      status: 200,
      ...json(card),
    });
    expect(problem).toMatch(/- title: .*expected string/);
  });

  it('reports a problem body that is not a Problem, and a media type that is not declared', async () => {
    const wrongProblem = await conformanceProblem('GET', '/v1/me', {
      status: 401,
      ...json({ error: 'nope' }, 'application/problem+json'),
    });
    expect(wrongProblem).toMatch(/GET \/v1\/me → 401[\s\S]*- title: /);
    const wrongType = await conformanceProblem('GET', '/v1/me', { status: 401, ...json({ error: 'nope' }) });
    expect(wrongType).toContain('sent application/json, declared application/problem+json');
  });

  it('reports a body on a status declared without one', async () => {
    const problem = await conformanceProblem('DELETE', '/v1/me', { status: 204, ...json({ ok: true }) });
    expect(problem).toContain('declared without a body');
  });

  it('checks problems from requests no operation answers', async () => {
    const bad = await conformanceProblem('PUT', '/v1/nowhere', {
      status: 404,
      ...json({}, 'application/problem+json'),
    });
    expect(bad).toContain('not a Problem');
    expect(
      await conformanceProblem('GET', '/docs/x.js', {
        status: 200,
        contentType: 'text/javascript',
        text: 'x',
        json: undefined,
      }),
    ).toBeUndefined();
  });

  it('throws from the request and records the mismatch for the end of the test', async () => {
    await expect(assertConforms('GET', '/health/live', { status: 500, ...json({}) })).rejects.toThrow(
      /GET \/health\/live → 500 .*not declared/,
    );
    expect(unreported.splice(0)).toHaveLength(1);
  });

  // The afterEach in setup.ts fails this test: a caught or settled mismatch is still reported.
  it.fails('fails a test that swallowed a mismatch', async () => {
    await assertConforms('GET', '/health/live', { status: 500, ...json({}) }).catch(() => {});
  });
});
