import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { liveStub, unwrap } from '../../src/services/live-sessions';
import { cardKvKey } from '../../src/services/product-card-cache';
import { SoftwareAuthenticator } from '../helpers/authenticator';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { connectAs, liveShow } from '../helpers/live';
import { order } from '../helpers/orders';
import { createPost, insertPaidOrder } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

const PASSWORD = 'correct-horse-battery';

/** A shopper with a record in every store: profile, consents, sessions, passkey, social, purchases, live chat and a hold. */
async function busyShopper() {
  const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
  const creatorPost = await createPost(show.host.token, { productIds: [show.product.id] });
  const sam = await signUp();
  await call('PATCH', '/v1/me', {
    token: sam.token,
    body: { preferences: { locale: 'fr-FR', consents: { personalization: false, marketing: false, doNotSell: true } } },
  });
  const options = await call('POST', '/v1/auth/passkeys/register/options', { token: sam.token });
  const authenticator = new SoftwareAuthenticator();
  const response = await authenticator.create(options.json);
  await call('POST', '/v1/auth/passkeys/register/verify', { token: sam.token, body: { response } });
  await call('POST', `/v1/users/${show.host.id}/follow`, { token: sam.token });
  await call('POST', `/v1/posts/${creatorPost.id}/likes`, { token: sam.token });
  await call('POST', `/v1/posts/${creatorPost.id}/comments`, { token: sam.token, body: { text: 'Love it' } });
  await insertPaidOrder(sam.id, [{ productId: show.product.id }]);
  const review = await call('POST', `/v1/products/${show.product.id}/reviews`, {
    token: sam.token,
    body: { rating: 5, text: 'Great' },
  });
  expect(review.status).toBe(201);
  const ownPost = await createPost(sam.token, { text: 'my haul', productIds: [show.product.id] });
  const hold = await call('POST', `/v1/live-sessions/${show.id}/holds`, {
    token: sam.token,
    body: { productId: show.product.id, quantity: 1 },
  });
  expect(hold.status).toBe(201);
  const viewer = await connectAs(show.id, sam.token);
  const host = await connectAs(show.id, show.host.token);
  viewer.send({ type: 'chat', text: 'is it waterproof? call me at 555-0100' });
  expect((await viewer.next('chat')).message.text).toContain('waterproof');
  // The host mutes them: the object keeps that about them too.
  await host.next('chat');
  host.send({ type: 'mute', userId: sam.id, minutes: 30 });
  await expect
    .poll(async () => {
      viewer.send({ type: 'chat', text: 'hello?' });
      return (await viewer.next('error')).code;
    })
    .toBe('muted');
  viewer.ws.close();
  host.ws.close();
  const placed = await order(sam.token, { items: [{ productId: show.product.id, quantity: 1 }] });
  expect(placed.status).toBe(201);
  await call('PUT', '/v1/cart', { token: sam.token, body: { items: [{ productId: show.product.id, quantity: 2 }] } });
  // A feed with more than one page leaves a ranked snapshot in KV.
  const feed = await call('GET', '/v1/feed?limit=1', { token: sam.token });
  expect(feed.json.nextCursor).toBeTypeOf('string');
  return { show, creatorPost, ownPost, sam, authenticator, orderId: placed.json.id as string };
}

describe('GET /v1/me/export', () => {
  it('holds every personal record, from D1 and the live session object, and no secrets', async () => {
    const { show, creatorPost, ownPost, sam, orderId } = await busyShopper();
    const res = await call('GET', '/v1/me/export', { token: sam.token });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const { account, social, discovery, live, orders } = res.json.areas;
    expect(orders.orders.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect(orders.orders[0].items[0].productId).toBe(show.product.id);
    expect(orders.cart.items).toEqual([{ productId: show.product.id, quantity: 2 }]);
    // The key the buyer's app chose is theirs; the request fingerprint stored with it is internal.
    expect(orders.orders[0].idempotencyKey).toEqual(expect.any(String));
    expect(orders.orders[0]).not.toHaveProperty('idempotencyFingerprint');
    expect(res.json.areas.feed.snapshots).toHaveLength(1);
    expect(res.json.areas.feed.snapshots[0].viewer).toBe(sam.id);
    expect(account.profile).toMatchObject({
      id: sam.id,
      email: sam.email,
      preferences: { locale: 'fr-FR', consents: { personalization: false, marketing: false, doNotSell: true } },
    });
    expect(account.sessions.length).toBeGreaterThan(0);
    expect(account.passkeys).toHaveLength(1);
    expect(account.securityEvents.map((e: { type: string }) => e.type)).toContain('passkey.registered');
    expect(social.following).toEqual([{ userId: show.host.id, createdAt: expect.any(String) }]);
    expect(social.likes[0].postId).toBe(creatorPost.id);
    expect(social.comments[0].text).toBe('Love it');
    expect(social.reviews[0]).toMatchObject({ rating: 5, text: 'Great' });
    expect(social.posts[0].id).toBe(ownPost.id);
    expect(discovery.purchases[0].productId).toBe(show.product.id);
    expect(live.holds).toHaveLength(1);
    expect(live.participation[0].sessionId).toBe(show.id);
    expect(live.participation[0].stored.chat[0].text).toContain('waterproof');
    expect(live.participation[0].stored.mutes).toEqual([{ expiresAt: expect.stringMatching(/^\d{4}-/) }]);
    // Times follow the API's convention.
    expect(account.profile.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const secret of [
      'passwordHash',
      'password_hash',
      'tokenHash',
      'publicKey',
      'clientSecret',
      'transitionToken',
      PASSWORD,
      sam.refreshToken,
    ]) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('needs a token and exports only my own records', async () => {
    expectProblem(await call('GET', '/v1/me/export'), 401);
    const { sam } = await busyShopper();
    const other = await signUp();
    const res = await call('GET', '/v1/me/export', { token: other.token });
    expect(res.json.userId).toBe(other.id);
    expect(res.text).not.toContain(sam.id);
    expect(res.json.areas.social.comments).toEqual([]);
  });
});

describe('DELETE /v1/me (erasure)', () => {
  it('removes or anonymises personal data everywhere and stops every token at once', async () => {
    const { show, creatorPost, sam, authenticator, orderId } = await busyShopper();
    const before = await call('GET', `/v1/posts/${creatorPost.id}`);
    expect(before.json).toMatchObject({ likes: 1, comments: 1 });

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    // Tokens and credentials.
    expectProblem(await call('GET', '/v1/me', { token: sam.token }), 401);
    expectProblem(await call('POST', '/v1/auth/refresh', { body: { refreshToken: sam.refreshToken } }), 401);
    expectProblem(await call('POST', '/v1/auth/login', { body: { email: sam.email, password: PASSWORD } }), 401);
    const passkeyOptions = await call('POST', '/v1/auth/passkeys/login/options');
    const assertion = await authenticator.get(passkeyOptions.json);
    expectProblem(await call('POST', '/v1/auth/passkeys/login/verify', { body: { response: assertion } }), 401);
    // The email is free again.
    expect((await signUp('shopper', { email: sam.email })).id).not.toBe(sam.id);

    // D1: the account row is anonymised, credentials gone, content deleted, counts recomputed.
    const user = await env.DB.prepare('SELECT email, display_name, preferences FROM users WHERE id = ?')
      .bind(sam.id)
      .first();
    expect(user).toEqual({ email: `erased-${sam.id}@erased.invalid`, display_name: 'Deleted user', preferences: '{}' });
    for (const table of ['auth_sessions', 'refresh_tokens', 'passkeys', 'post_likes', 'live_participants']) {
      const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`).bind(sam.id).first();
      expect(row, table).toEqual({ n: 0 });
    }
    for (const [table, column] of [
      ['comments', 'author_id'],
      ['reviews', 'author_id'],
      ['posts', 'author_id'],
      ['follows', 'follower_id'],
    ]) {
      const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`).bind(sam.id).first();
      expect(row, table).toEqual({ n: 0 });
    }
    // Orders stay for accounting, without the buyer and the key their app chose (it could say anything);
    // the cart and stored responses are gone.
    const kept = 'SELECT user_id, idempotency_key, idempotency_fingerprint FROM orders WHERE id = ?';
    expect(await env.DB.prepare(kept).bind(orderId).first()).toEqual({
      user_id: null,
      idempotency_key: null,
      idempotency_fingerprint: null,
    });
    expect(await env.DB.prepare('SELECT count(*) AS n FROM carts WHERE user_id = ?').bind(sam.id).first()).toEqual({
      n: 0,
    });
    expect(
      await env.DB.prepare('SELECT count(*) AS n FROM idempotency_keys WHERE scope = ?').bind(sam.id).first(),
    ).toEqual({ n: 0 });
    const purchase = await env.DB.prepare('SELECT user_id FROM purchases WHERE product_id = ?')
      .bind(show.product.id)
      .first();
    expect(purchase).toEqual({ user_id: null });
    const after = await call('GET', `/v1/posts/${creatorPost.id}`);
    expect(after.json).toMatchObject({ likes: 0, comments: 0 });
    const stats = await env.DB.prepare('SELECT review_count FROM product_stats WHERE product_id = ?')
      .bind(show.product.id)
      .first();
    expect(stats).toEqual({ review_count: 0 });

    // Nobody can follow the erased account again (its profile stays, as "Deleted user", for the content it left).
    const fan = await signUp();
    expectProblem(await call('POST', `/v1/users/${sam.id}/follow`, { token: fan.token }), 404);
    expect(
      await env.DB.prepare('SELECT count(*) AS n FROM follows WHERE followee_id = ?').bind(sam.id).first(),
    ).toEqual({ n: 0 });

    // KV: the feed snapshot ranked for the user is gone.
    expect((await env.FEED_SNAPSHOTS.list({ prefix: `feed:${sam.id}:` })).keys).toEqual([]);

    // The live session object: chat redacted in the replay, no trace of the user.
    const replay = await call('GET', `/v1/live-sessions/${show.id}/replay`);
    expect(replay.text).not.toContain('waterproof');
    expect(replay.text).not.toContain(sam.id);
    // Nor in the object's own tables (holds unlinked, the mute gone).
    const stored = unwrap(await liveStub(env, show.id).exportUser(sam.id));
    expect(stored).toMatchObject({ chat: [], holds: [], mutes: [] });

    // Audited, without personal data.
    const admin = await signUpAdmin();
    const audit = await call('GET', `/v1/admin/audit?type=account.erased&userId=${sam.id}`, { token: admin.token });
    expect(audit.json.data).toHaveLength(1);
    expect(audit.text).not.toContain(sam.email);
  });

  it("purges cached product cards that show an erased creator's name", async () => {
    const creator = await signUp('creator');
    await call('PATCH', '/v1/me', { token: creator.token, body: { displayName: 'Cara Rivers' } });
    const product = await insertProduct({ creatorId: creator.id });
    const exported = await call('GET', '/v1/me/export', { token: creator.token });
    expect(exported.json.areas.catalog.products.map((p: { id: string }) => p.id)).toEqual([product.id]);
    const cached = await call('GET', `/v1/products/${product.id}`);
    expect(cached.json.creator.displayName).toBe('Cara Rivers');
    await call('GET', `/v1/products/${product.id}`); // now served from cache
    expect((await call('DELETE', '/v1/me', { token: creator.token })).status).toBe(204);
    const card = await call('GET', `/v1/products/${product.id}`);
    expect(card.status).toBe(200);
    expect(card.json.creator.displayName).toBe('Deleted user');
    expect(card.text).not.toContain('Cara Rivers');
  });

  it("refreshes cached product cards at once: the erased user's reviews and likes leave their social proof", async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const post = await createPost(creator.token, { productIds: [product.id] });
    const sam = await signUp();
    await call('POST', `/v1/posts/${post.id}/likes`, { token: sam.token });
    await call('POST', `/v1/products/${product.id}/reviews`, { token: sam.token, body: { rating: 2 } });
    const cached = await call('GET', `/v1/products/${product.id}?fields=socialProof`);
    expect(cached.json.socialProof).toMatchObject({ rating: 2, reviewCount: 1, likes: 1 });
    await new Promise((r) => setTimeout(r, 20)); // the KV fill runs after the response (waitUntil)
    const kvCard = () => env.PRODUCT_CARDS.get(cardKvKey(product.id));
    expect(await kvCard()).toContain(product.id);

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    expect(await kvCard()).toBeNull();
    expect((await call('GET', `/v1/products/${product.id}/reviews`)).json.data).toEqual([]);
    const card = await call('GET', `/v1/products/${product.id}?fields=socialProof`);
    expect(card.status).toBe(200);
    expect(card.json.socialProof).toMatchObject({ rating: null, reviewCount: 0, likes: 0 });
  });

  it('leaves every segment: an erased account is no one to count, list or target', async () => {
    const admin = await signUpAdmin();
    const sam = await signUp();
    const key = `erased-${crypto.randomUUID().slice(0, 8)}`;
    const segment = await call('POST', '/v1/admin/segments', {
      token: admin.token,
      body: { key, name: key, rules: [{ kind: 'new', withinDays: 7 }] },
    });
    const member = () => call('GET', `/v1/admin/segments/${segment.json.id}/members/${sam.id}`, { token: admin.token });
    const listed = async () => {
      const ids: string[] = [];
      let cursor = '';
      do {
        const page = await call('GET', `/v1/admin/segments/${segment.json.id}/members?limit=100${cursor}`, {
          token: admin.token,
        });
        ids.push(...page.json.data.map((m: { id: string }) => m.id));
        cursor = page.json.nextCursor ? `&cursor=${page.json.nextCursor}` : '';
      } while (cursor);
      return ids;
    };
    const count = async () =>
      (await call('GET', `/v1/admin/segments/${segment.json.id}`, { token: admin.token })).json.memberCount;
    expect((await member()).json.member).toBe(true);
    expect(await listed()).toContain(sam.id);
    const before = await count();

    expect((await call('DELETE', '/v1/me', { token: sam.token })).status).toBe(204);

    expectProblem(await member(), 404);
    expect(await listed()).not.toContain(sam.id);
    expect(await count()).toBe(before - 1);
  });

  it('needs a recent sign-in: an old session gets 403 and must sign in again', async () => {
    const { token, email } = await signUp();
    await env.DB.prepare(
      'UPDATE auth_sessions SET created_at = created_at - 3600000 WHERE user_id = (SELECT id FROM users WHERE email = ?)',
    )
      .bind(email)
      .run();
    expectProblem(await call('DELETE', '/v1/me', { token }), 403);
    expect((await call('GET', '/v1/me', { token })).status).toBe(200);
    const fresh = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect((await call('DELETE', '/v1/me', { token: fresh.json.accessToken })).status).toBe(204);
    expectProblem(await call('DELETE', '/v1/me'), 401);
  });

  it('admins can erase a non-admin account; others cannot', async () => {
    const admin = await signUpAdmin();
    const victim = await signUp();
    const shopper = await signUp();
    expectProblem(await call('DELETE', `/v1/admin/users/${victim.id}`, { token: shopper.token }), 403);
    expectProblem(await call('DELETE', `/v1/admin/users/${victim.id}`), 401);
    expectProblem(await call('DELETE', '/v1/admin/users/usr_01jd3v8m2k9q4x7n5b6c8d0e1f', { token: admin.token }), 404);
    expectProblem(await call('DELETE', `/v1/admin/users/${admin.id}`, { token: admin.token }), 403);
    expect((await call('DELETE', `/v1/admin/users/${victim.id}`, { token: admin.token })).status).toBe(204);
    expectProblem(await call('GET', '/v1/me', { token: victim.token }), 401);
  });
});
