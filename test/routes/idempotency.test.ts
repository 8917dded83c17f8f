import { env } from 'cloudflare:test';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import type { AppEnv } from '../../src/lib/context';
import { idempotency } from '../../src/lib/idempotency';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { priceLines } from '../../src/services/order-lines';
import { placeOrder } from '../../src/services/orders';
import { callWithEnv } from '../helpers/app-env';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { expectStockConsistent, order, stockOf } from '../helpers/orders';
import { signUp } from '../helpers/users';

async function setup(stock = 10) {
  const creator = await signUp('creator');
  const buyer = await signUp();
  const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 700, stock }] });
  return { buyer, product, body: { items: [{ productId: product.id, quantity: 1 }] } };
}

describe('Idempotency-Key', () => {
  it('is required on POST /v1/orders and POST /v1/orders/{id}/payment', async () => {
    const { buyer, body } = await setup();
    const missing = expectProblem(await call('POST', '/v1/orders', { token: buyer.token, body }), 400);
    expect(missing.code).toBe('idempotency_key_required');
    const placed = await order(buyer.token, body);
    const noKeyPay = await call('POST', `/v1/orders/${placed.json.id}/payment`, { token: buyer.token, body: {} });
    expect(expectProblem(noKeyPay, 400).code).toBe('idempotency_key_required');
    expectProblem(
      await call('POST', '/v1/orders', { token: buyer.token, body, headers: { 'idempotency-key': 'x'.repeat(256) } }),
      400,
    );
  });

  it('replays the first response without placing a second order', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    const again = await order(buyer.token, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    // A replayed order is as private as the first answer: shared caches must not keep it either.
    expect(again.headers.get('cache-control')).toBe('private, no-store');
    expect(again.json).toEqual(first.json);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
  });

  it('replays the headers that describe the response (ETag, Cache-Control), never cookies', async () => {
    // No route answers a POST with an ETag yet, so a one-route app stands in for one.
    const mini = new Hono<AppEnv>().use(idempotency).post('/things', (c) => {
      c.header('ETag', '"v1"');
      c.header('Cache-Control', 'private, no-cache');
      c.header('Set-Cookie', 'session=secret');
      c.header('X-Request-Id', 'req-first');
      return c.json({ made: crypto.randomUUID() }, 201);
    });
    const init = { method: 'POST', headers: { 'idempotency-key': crypto.randomUUID() }, body: '{}' };
    const first = await mini.request('/things', init, env);
    const replay = await mini.request('/things', init, env);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    expect(replay.headers.get('etag')).toBe('"v1"');
    expect(replay.headers.get('cache-control')).toBe('private, no-cache');
    expect(replay.headers.get('set-cookie')).toBeNull();
    expect(replay.headers.get('x-request-id')).toBeNull();
  });

  it('runs a burst of concurrent retries with one key exactly once', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const results = await Promise.all(Array.from({ length: 20 }, () => order(buyer.token, body, key)));
    const created = results.filter((r) => r.status === 201);
    const inProgress = results.filter((r) => r.status === 409);
    expect(created.length + inProgress.length).toBe(20);
    for (const r of inProgress) {
      expect(r.json.code).toBe('idempotency_in_progress');
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect(new Set(created.map((r) => r.json.id)).size).toBe(1);
    const { results: rows } = await env.DB.prepare('select id from orders where user_id = ?').bind(buyer.id).all();
    expect(rows).toHaveLength(1);
    await expectStockConsistent(product.variantIds[0], 10);
    // Once it finished, retries replay it.
    const replay = await order(buyer.token, body, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(rows[0].id);
  });

  it('answers 422 when a key is reused with a different body', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    await order(buyer.token, body, key);
    const changed = await order(buyer.token, { items: [{ productId: product.id, quantity: 2 }] }, key);
    expect(expectProblem(changed, 422).code).toBe('idempotency_key_reused');
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
  });

  it('scopes keys to the user', async () => {
    const { product, body } = await setup();
    const [a, b] = [await signUp(), await signUp()];
    const key = 'shared-key-123';
    const first = await order(a.token, body, key);
    const second = await order(b.token, body, key);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.json.id).not.toBe(first.json.id);
    expect((await stockOf(product.variantIds[0])).reserved).toBe(2);
  });

  it('does not store responses to requests that never ran (validation), so a corrected retry runs', async () => {
    const { buyer, body } = await setup();
    const key = crypto.randomUUID();
    expectProblem(await order(buyer.token, { items: [{ productId: 'bad', quantity: 1 }] }, key), 400);
    expect((await order(buyer.token, body, key)).status).toBe(201);
  });

  it('does not store a 405 (wrong method: nothing ran), so the corrected request with the key runs', async () => {
    const author = await signUp();
    const key = crypto.randomUUID();
    const body = { text: 'sent to the wrong path first' };
    const wrong = await call('POST', '/v1/categories', {
      token: author.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expectProblem(wrong, 405);
    // A retry is not a replay: a replay would lose the Allow header a 405 must carry.
    const again = await call('POST', '/v1/categories', {
      token: author.token,
      body,
      headers: { 'idempotency-key': key },
    });
    expect(expectProblem(again, 405).code).toBe('method_not_allowed');
    expect(again.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const fixed = await call('POST', '/v1/posts', { token: author.token, body, headers: { 'idempotency-key': key } });
    expect(fixed.status).toBe(201);
  });

  it('does not store a 404 for a path no route has (a typo: nothing ran), so the corrected request runs', async () => {
    const author = await signUp();
    const key = crypto.randomUUID();
    const body = { text: 'sent to a misspelt path first' };
    const typo = await call('POST', '/v1/post', { token: author.token, body, headers: { 'idempotency-key': key } });
    expectProblem(typo, 404);
    const fixed = await call('POST', '/v1/posts', { token: author.token, body, headers: { 'idempotency-key': key } });
    expect(fixed.status).toBe(201);
  });

  it('stores a 409 for stock as the outcome of that key', async () => {
    const { buyer, product } = await setup(1);
    const key = crypto.randomUUID();
    const body = { items: [{ productId: product.id, quantity: 2 }] };
    expectProblem(await order(buyer.token, body, key), 409);
    const replay = await order(buyer.token, body, key);
    expect(replay.status).toBe(409);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.headers.get('content-type')).toContain('application/problem+json');
  });

  it('is optional and cheap on other POSTs, and honoured when given', async () => {
    const author = await signUp();
    const body = { text: 'posted once' };
    const key = crypto.randomUUID();
    const first = await call('POST', '/v1/posts', { token: author.token, body, headers: { 'idempotency-key': key } });
    const replay = await call('POST', '/v1/posts', { token: author.token, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(first.json.id);
    const { results } = await env.DB.prepare('select scope from idempotency_keys where key = ?').bind(key).all();
    expect(results).toEqual([{ scope: author.id }]);
  });

  it('is ignored on /v1/auth/*: each request runs and nothing is stored', async () => {
    const email = `idem-${crypto.randomUUID().slice(0, 8)}@test.dev`;
    const key = crypto.randomUUID();
    const headers = { 'idempotency-key': key };
    const body = { email, password: 'correct-horse-battery', displayName: 'Idem' };
    const registered = await call('POST', '/v1/auth/register', { body, headers });
    expect(registered.status).toBe(201);
    // The same request again runs again: the email is taken now.
    expectProblem(await call('POST', '/v1/auth/register', { body, headers }), 409);
    const login = { email, password: 'correct-horse-battery' };
    const [a, b] = [
      await call('POST', '/v1/auth/login', { body: login, headers }),
      await call('POST', '/v1/auth/login', { body: login, headers }),
    ];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.json.refreshToken).not.toBe(a.json.refreshToken);
    const passkeyOptions = await call('POST', '/v1/auth/passkeys/login/options', { headers });
    expect(passkeyOptions.headers.get('idempotent-replayed')).toBeNull();
    const { results } = await env.DB.prepare('select 1 from idempotency_keys where key = ?').bind(key).all();
    expect(results).toEqual([]);
  });

  it('is honoured on PATCH: a replayed patch that added a variant answers as the first and adds nothing', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({
      creatorId: creator.id,
      variants: [{ price: 700, stock: 3, options: { size: 'M' } }],
    });
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const body = { variants: [{ options: { size: 'L' }, price: { amount: 800, currency: 'USD' }, stock: 2 }] };
    const path = `/v1/products/${product.id}`;
    const first = await call('PATCH', path, { token: creator.token, body, headers });
    expect(first.status).toBe(200);
    // The response was lost; the outbox sends the same intent again.
    const replay = await call('PATCH', path, { token: creator.token, body, headers });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(first.json.variants).toHaveLength(2);
  });

  it('is honoured on DELETE: a replay gets the first 204, not a 404 for what the first one removed', async () => {
    const user = await signUp();
    await call('POST', '/v1/auth/login', { body: { email: user.email, password: 'correct-horse-battery' } });
    const sessions = await call('GET', '/v1/me/sessions', { token: user.token });
    const other = sessions.json.data.find((s: { current: boolean }) => !s.current);
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const path = `/v1/me/sessions/${other.id}`;
    const first = await call('DELETE', path, { token: user.token, headers });
    expect(first.status).toBe(204);
    const replay = await call('DELETE', path, { token: user.token, headers });
    expect(replay.status).toBe(204);
    expect(replay.text).toBe('');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Without a key a repeated DELETE runs again, and the session is gone.
    expectProblem(await call('DELETE', path, { token: user.token }), 404);
  });

  it('is honoured on PUT: a late replay of an older cart does not overwrite the newer one', async () => {
    const { buyer, product } = await setup();
    const older = { items: [{ productId: product.id, quantity: 1 }] };
    const newer = { items: [{ productId: product.id, quantity: 3 }] };
    const olderKey = { 'idempotency-key': crypto.randomUUID() };
    const first = await call('PUT', '/v1/cart', { token: buyer.token, body: older, headers: olderKey });
    expect(first.status).toBe(200);
    // The phone never saw that answer; meanwhile another device saves the newer cart.
    await call('PUT', '/v1/cart', {
      token: buyer.token,
      body: newer,
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    // The phone's outbox replays its older intent: it gets the answer it missed, and the cart stays newer.
    const replay = await call('PUT', '/v1/cart', { token: buyer.token, body: older, headers: olderKey });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(first.json);
    const cart = await call('GET', '/v1/cart', { token: buyer.token });
    expect(cart.json.items.map((i: { quantity: number }) => i.quantity)).toEqual([3]);
  });

  it('replays a PUT with If-Match as first answered, not as a 412 for the tag its first run made stale', async () => {
    const { buyer, product } = await setup();
    const cart = (quantity: number) => ({ items: [{ productId: product.id, quantity }] });
    const tag = (await call('PUT', '/v1/cart', { token: buyer.token, body: cart(1) })).headers.get('etag') ?? '';
    const headers = { 'idempotency-key': crypto.randomUUID(), 'if-match': tag };
    const first = await call('PUT', '/v1/cart', { token: buyer.token, body: cart(2), headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).not.toBe(tag);
    const replay = await call('PUT', '/v1/cart', { token: buyer.token, body: cart(2), headers });
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
  });

  it('keeps no 412: the same intent sent again with a fresh If-Match and the same key runs', async () => {
    const { buyer, product } = await setup();
    const cart = (quantity: number) => ({ items: [{ productId: product.id, quantity }] });
    const stale = (await call('PUT', '/v1/cart', { token: buyer.token, body: cart(1) })).headers.get('etag') ?? '';
    await call('PUT', '/v1/cart', { token: buyer.token, body: cart(5) }); // another device
    const key = crypto.randomUUID();
    const refused = await call('PUT', '/v1/cart', {
      token: buyer.token,
      body: cart(2),
      headers: { 'idempotency-key': key, 'if-match': stale },
    });
    expectProblem(refused, 412);
    const fresh = (await call('GET', '/v1/cart', { token: buyer.token })).headers.get('etag') ?? '';
    const again = await call('PUT', '/v1/cart', {
      token: buyer.token,
      body: cart(2),
      headers: { 'idempotency-key': key, 'if-match': fresh },
    });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.json.items[0].quantity).toBe(2);
  });

  it('a key names one request: reused on another method or path it is a 422', async () => {
    const { buyer, product } = await setup();
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const body = { items: [{ productId: product.id, quantity: 1 }] };
    expect((await call('PUT', '/v1/cart', { token: buyer.token, body, headers })).status).toBe(200);
    const other = await call('DELETE', `/v1/users/${buyer.id}/follow`, { token: buyer.token, headers });
    expect(expectProblem(other, 422).code).toBe('idempotency_key_reused');
  });

  it('a committed order is answered 201 even when a cache it keeps in step fails, so a retry never orders twice', async () => {
    const { buyer, product, body } = await setup();
    // KV refuses the card's invalidation (e.g. its limit of one write per key per second during a rush).
    const cards = env.PRODUCT_CARDS;
    const failingCards = new Proxy(cards, {
      get: (target, name) =>
        name === 'delete'
          ? () => Promise.reject(new Error('KV DELETE failed: 429 Too Many Requests'))
          : Reflect.get(target, name).bind(target),
    });
    const headers = { 'idempotency-key': crypto.randomUUID() };
    const first = await callWithEnv({ PRODUCT_CARDS: failingCards }, 'POST', '/v1/orders', {
      token: buyer.token,
      body,
      headers,
    });
    expect(first.status).toBe(201);
    const retry = await order(buyer.token, body, headers['idempotency-key']);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.id).toBe(first.json.id);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
  });

  it('keeps keys at least 7 days and purges them after', async () => {
    const { buyer, body } = await setup();
    const key = crypto.randomUUID();
    await order(buyer.token, body, key);
    const row = await env.DB.prepare('select created_at, expires_at from idempotency_keys where key = ?')
      .bind(key)
      .first<{ created_at: number; expires_at: number }>();
    expect(row!.expires_at - row!.created_at).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000);
    const stored = () => env.DB.prepare('select 1 from idempotency_keys where key = ?').bind(key).first();
    const onOrder = () => env.DB.prepare('select 1 from orders where idempotency_key = ?').bind(key).first();
    await runScheduledMaintenance(env, row!.expires_at - 1);
    expect(await stored()).not.toBeNull();
    expect(await onOrder()).not.toBeNull();
    // The next cron run after the key's retention: the order (placed a moment after the claim) forgets it too.
    expect((await runScheduledMaintenance(env, row!.expires_at + 60_000)).purgedKeys).toBeGreaterThanOrEqual(1);
    expect(await stored()).toBeNull();
    expect(await onOrder()).toBeNull();
    // An expired key is free again: the same key places a new order.
    const fresh = await order(buyer.token, body, key);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
  });
});

/**
 * The key's row can be lost after the order committed: the isolate dies before the completion UPDATE (the claim
 * stays in_progress and a retry takes it over once stale), or a 5xx after the commit drops the claim. The order
 * itself records the key, so the retry still gets the order it placed.
 */
describe('an order outlives a lost Idempotency-Key record', () => {
  /** What a 5xx (or a thrown error) after the commit does to the key's row. */
  const dropClaim = (scope: string, key: string) =>
    env.DB.prepare('delete from idempotency_keys where scope = ? and key = ?').bind(scope, key).run();

  it('a retry after its payment window answers with the order as it is now: expired, its units back', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    expect(first.json.status).toBe('pending_payment');
    await dropClaim(buyer.id, key);
    await env.DB.prepare('update orders set expires_at = ? where id = ?')
      .bind(Date.now() - 1000, first.json.id)
      .run();
    const retry = await order(buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json).toMatchObject({ id: first.json.id, status: 'cancelled' });
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 0 });
  });

  it('a retry that takes over a stale claim left by a dead isolate gets the same order, reserved once', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    expect(first.status).toBe(201);
    await env.DB.prepare(
      `update idempotency_keys set state = 'in_progress', response_status = null, response_headers = null,
       response_body = null, locked_at = ? where scope = ? and key = ?`,
    )
      .bind(Date.now() - 120_000, buyer.id, key)
      .run();
    const retry = await order(buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(retry.json).toEqual(first.json);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
    await expectStockConsistent(product.variantIds[0], 10);
  });

  it('a retry after a 5xx past the commit dropped the claim gets the same order', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    await dropClaim(buyer.id, key);
    const retry = await order(buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.id).toBe(first.json.id);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
    // The answer is stored again: the next retry is an ordinary replay.
    const again = await order(buyer.token, body, key);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.id).toBe(first.json.id);
  });

  it('with the record gone, the key with another body is 422, and the first body still gets its order', async () => {
    const { buyer, product, body } = await setup();
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    await dropClaim(buyer.id, key);
    const changed = await order(buyer.token, { items: [{ productId: product.id, quantity: 2 }] }, key);
    expect(expectProblem(changed, 422).code).toBe('idempotency_key_reused');
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
    // The 422 did not take the key over: the request it names still gets its order.
    const retry = await order(buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.json.id).toBe(first.json.id);
  });

  it('two runs of one request that both got past the claim insert one order: the second answers with it', async () => {
    // A stale claim taken over while its first run was still going: neither run saw the other's order beforehand.
    const { buyer, product } = await setup();
    const db = createDb(env.DB);
    const { lines, currency } = await priceLines(db, [{ productId: product.id, quantity: 1 }]);
    const claim = { key: crypto.randomUUID(), fingerprint: 'f'.repeat(64) };
    const run = () => placeOrder(db, { userId: buyer.id, lines, currency, reserve: true, idempotency: claim }, { env });
    const first = await run();
    const second = await run();
    expect([first.replayed, second.replayed]).toEqual([false, true]);
    expect(second.order.id).toBe(first.order.id);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
  });

  it('an order of items retried after the record was lost gets its order though the product gained a variant', async () => {
    // The request named no variant (the product had one); the creator adds a second before the retry arrives.
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 700, stock: 10 }] });
    const body = { items: [{ productId: product.id, quantity: 1 }] };
    const key = crypto.randomUUID();
    const first = await order(buyer.token, body, key);
    expect(first.status).toBe(201);
    await dropClaim(buyer.id, key);
    const added = await call('PATCH', `/v1/products/${product.id}`, {
      token: creator.token,
      body: {
        variants: [
          { id: product.variantIds[0] },
          { options: { size: 'L' }, price: { amount: 900, currency: 'USD' }, stock: 5 },
        ],
      },
    });
    expect(added.status).toBe(200);
    const retry = await order(buyer.token, body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.id).toBe(first.json.id);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 1 });
  });

  it('a checkout from the cart retried after the record was lost gets its order, not an empty-cart 422', async () => {
    const { buyer, product } = await setup();
    await call('PUT', '/v1/cart', { token: buyer.token, body: { items: [{ productId: product.id, quantity: 2 }] } });
    const key = crypto.randomUUID();
    const first = await order(buyer.token, { fromCart: true }, key);
    expect(first.status).toBe(201);
    await dropClaim(buyer.id, key);
    const retry = await order(buyer.token, { fromCart: true }, key);
    expect(retry.status).toBe(201);
    expect(retry.json.id).toBe(first.json.id);
    expect(await stockOf(product.variantIds[0])).toEqual({ onHand: 10, reserved: 2 });
  });
});
