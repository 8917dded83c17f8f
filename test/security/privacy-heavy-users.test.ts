// Export and erasure for users whose records outnumber D1's 100 bound parameters per statement: lists of ids
// from the data must not become one parameter each (see src/db/bounded.ts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { order } from '../helpers/orders';
import { signUp } from '../helpers/users';

describe('privacy for heavy users', () => {
  it('exports every one of 101 orders with its items', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 500, stock: 500 }] });
    for (let i = 0; i < 101; i++) {
      expect((await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] })).status).toBe(201);
    }
    const res = await call('GET', '/v1/me/export', { token: buyer.token });
    expect(res.status).toBe(200);
    const { orders } = res.json.areas.orders;
    expect(orders).toHaveLength(101);
    expect(orders.every((o: { items: unknown[] }) => o.items.length === 1)).toBe(true);
  }, 30_000); // 100+ requests: slow on a loaded machine, and speed is not what it checks

  it('erases a user who liked and commented on 105 posts', async () => {
    const author = await signUp('creator');
    const fan = await signUp();
    const product = await insertProduct({ creatorId: author.id });
    // Written straight to D1: 315 requests would take longer than the test may.
    const now = Date.now();
    const posts = Array.from({ length: 105 }, () => newId('post', now));
    await env.DB.batch(
      posts.flatMap((id) => [
        env.DB.prepare(
          `insert into posts (id, author_id, text, media, product_ids, like_count, comment_count, created_at)
           values (?, ?, 'hi', '[]', ?, 1, 1, ?)`,
        ).bind(id, author.id, JSON.stringify([product.id]), now),
        env.DB.prepare('insert into post_products (post_id, product_id) values (?, ?)').bind(id, product.id),
        env.DB.prepare('insert into post_likes (post_id, user_id, created_at) values (?, ?, ?)').bind(id, fan.id, now),
        env.DB.prepare(
          "insert into comments (id, post_id, author_id, text, created_at) values (?, ?, ?, 'yes', ?)",
        ).bind(newId('comment', now), id, fan.id, now),
      ]),
    );
    expect((await call('GET', `/v1/posts/${posts[104]}`)).json).toMatchObject({ likes: 1, comments: 1 });

    expect((await call('DELETE', '/v1/me', { token: fan.token })).status).toBe(204);

    const left = await env.DB.prepare(
      'select (select count(*) from post_likes where user_id = ?1) as likes, (select count(*) from comments where author_id = ?1) as comments',
    )
      .bind(fan.id)
      .first();
    expect(left).toEqual({ likes: 0, comments: 0 });
    expect((await call('GET', `/v1/posts/${posts[104]}`)).json).toMatchObject({ likes: 0, comments: 0 });
  }, 30_000); // an erasure of 420 rows and its recounts: it passed 5 s once under load; speed is not what it checks

  it('exports every video event and security event, however many there are', async () => {
    const creator = await signUp('creator');
    const viewer = await signUp();
    const videoId = newId('video');
    const now = Date.now();
    // Written straight to D1, in one statement each: a viewer's progress events add up over years of watching.
    await env.DB.batch([
      env.DB.prepare(
        "insert into videos (id, creator_id, title, url, created_at) values (?, ?, 'v', 'https://v.test/1', ?)",
      ).bind(videoId, creator.id, now),
      env.DB.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < 10001)
         insert into video_events (video_id, user_id, type, position_ms, created_at)
         select ?1, ?2, 'progress', i, ?3 from n`,
      ).bind(videoId, viewer.id, now),
      env.DB.prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < 1001)
         insert into audit_events (id, at, type, user_id, details)
         select 'aud_heavy_' || ?1 || '_' || i, ?2 - i, 'login.succeeded', ?1, '{}' from n`,
      ).bind(viewer.id, now),
    ]);

    const res = await call('GET', '/v1/me/export', { token: viewer.token });
    expect(res.status).toBe(200);
    expect(res.json.areas.discovery.videoEvents).toHaveLength(10_001);
    // 1,001 logins plus the account's own registration.
    expect(res.json.areas.account.securityEvents.length).toBeGreaterThanOrEqual(1_002);
  }, 30_000);
});
