import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, jsonContent } from '../../lib/openapi';

const Check = z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() });
const Health = z
  .object({ status: z.enum(['ok', 'degraded']), checks: z.object({ d1: Check, kv: Check }) })
  .openapi('Health');

const health = createRoute({
  operationId: 'health.ready',
  security: [],
  method: 'get',
  path: '/health',
  tags: ['Health'],
  summary: 'Liveness plus readiness of D1 and KV',
  responses: {
    200: jsonContent(Health, 'Everything is reachable'),
    503: jsonContent(Health, 'A dependency is not reachable'),
  },
});

const live = createRoute({
  operationId: 'health.live',
  security: [],
  method: 'get',
  path: '/health/live',
  tags: ['Health'],
  summary: 'Liveness only: touches no storage (the bare route benchmarks compare against)',
  responses: { 200: jsonContent(z.object({ status: z.literal('ok') }), 'The Worker is serving') },
});

async function probe(fn: () => Promise<unknown>) {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: performance.now() - started };
  } catch (error) {
    return { ok: false, latencyMs: performance.now() - started, error: String(error) };
  }
}

export const healthRouter = createRouter()
  .openapi(health, async (c) => {
    const [d1, kv] = await Promise.all([
      probe(() => c.env.DB.prepare('select 1').first()),
      probe(() => c.env.PRODUCT_CARDS.get('health-probe')),
    ]);
    const ok = d1.ok && kv.ok;
    c.header('Cache-Control', 'no-store');
    return c.json({ status: ok ? ('ok' as const) : ('degraded' as const), checks: { d1, kv } }, ok ? 200 : 503);
  })
  .openapi(live, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ status: 'ok' as const }, 200);
  });
