import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { createPost } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('POST /v1/posts and GET /v1/posts/{id}', () => {
  it('publishes a post with media and product tags', async () => {
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const res = await call('POST', '/v1/posts', {
      token: creator.token,
      body: { text: 'New drop', media: [{ url: 'https://cdn.test/a.jpg', type: 'image' }], productIds: [product.id] },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ authorId: creator.id, productIds: [product.id], likes: 0, comments: 0 });
    expect(res.json.id).toMatch(/^pst_/);
    const got = await call('GET', `/v1/posts/${res.json.id}`);
    expect(got.json).toMatchObject({ id: res.json.id, text: 'New drop', likedByMe: null });
  });

  it('rejects bad input and unknown products, and needs a token', async () => {
    const user = await signUp();
    expectProblem(await call('POST', '/v1/posts', { body: { text: 'x' } }), 401);
    expectProblem(await call('POST', '/v1/posts', { token: user.token, body: { text: '' } }), 400);
    expectProblem(await call('POST', '/v1/posts', { token: user.token, body: { text: 'x', extra: 1 } }), 400);
    const media = [{ url: 'javascript:alert(1)', type: 'image' }];
    expectProblem(await call('POST', '/v1/posts', { token: user.token, body: { text: 'x', media } }), 400);
    const unknown = { text: 'x', productIds: ['prd_00000000000000000000000000'] };
    expectProblem(await call('POST', '/v1/posts', { token: user.token, body: unknown }), 422);
    expectProblem(await call('GET', '/v1/posts/pst_00000000000000000000000000'), 404);
  });
});

describe('POST|DELETE /v1/posts/{id}/likes', () => {
  it('is one like per user, idempotent, and exact under concurrency', async () => {
    const author = await signUp('creator');
    const post = await createPost(author.token);
    const fans = await Promise.all(Array.from({ length: 6 }, () => signUp()));
    const results = await Promise.all(
      fans.flatMap((fan) => [1, 2, 3].map(() => call('POST', `/v1/posts/${post.id}/likes`, { token: fan.token }))),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect((await call('GET', `/v1/posts/${post.id}`, { token: fans[0].token })).json).toMatchObject({
      likes: 6,
      likedByMe: true,
    });
    await Promise.all(
      fans.slice(0, 3).map((fan) => call('DELETE', `/v1/posts/${post.id}/likes`, { token: fan.token })),
    );
    const again = await call('DELETE', `/v1/posts/${post.id}/likes`, { token: fans[0].token });
    expect(again.json).toEqual({ postId: post.id, liked: false, likes: 3 });
  });

  it('needs a token and an existing post', async () => {
    const user = await signUp();
    const post = await createPost(user.token);
    expectProblem(await call('POST', `/v1/posts/${post.id}/likes`), 401);
    expectProblem(await call('POST', '/v1/posts/pst_00000000000000000000000000/likes', { token: user.token }), 404);
    expectProblem(await call('POST', '/v1/posts/cmt_00000000000000000000000000/likes', { token: user.token }), 400);
  });
});

describe('GET|POST /v1/posts/{id}/comments', () => {
  it('adds comments, counts them and pages through them oldest first', async () => {
    const author = await signUp('creator');
    const fan = await signUp();
    const post = await createPost(author.token);
    for (const text of ['one', 'two', 'three']) {
      const res = await call('POST', `/v1/posts/${post.id}/comments`, { token: fan.token, body: { text } });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ postId: post.id, authorId: fan.id, text });
    }
    const first = await call('GET', `/v1/posts/${post.id}/comments?limit=2`);
    expect(first.json.data.map((c: { text: string }) => c.text)).toEqual(['one', 'two']);
    const second = await call('GET', `/v1/posts/${post.id}/comments?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json).toMatchObject({ data: [{ text: 'three' }], nextCursor: null });
    expect((await call('GET', `/v1/posts/${post.id}`)).json.comments).toBe(3);
  });

  it('refuses a cursor taken from another post’s comments, naming the cursor', async () => {
    const user = await signUp();
    const [a, b] = [await createPost(user.token), await createPost(user.token)];
    for (const post of [a, b]) {
      for (const text of ['one', 'two']) {
        await call('POST', `/v1/posts/${post.id}/comments`, { token: user.token, body: { text } });
      }
    }
    const first = await call('GET', `/v1/posts/${a.id}/comments?limit=1`);
    expectInvalidCursor(await call('GET', `/v1/posts/${b.id}/comments?limit=1&cursor=${first.json.nextCursor}`));
    const same = await call('GET', `/v1/posts/${a.id}/comments?limit=1&cursor=${first.json.nextCursor}`);
    expect(same.json).toMatchObject({ data: [{ postId: a.id, text: 'two' }], nextCursor: null });
  });

  it('rejects missing token, bad body, bad cursor and unknown posts', async () => {
    const user = await signUp();
    const post = await createPost(user.token);
    expectProblem(await call('POST', `/v1/posts/${post.id}/comments`, { body: { text: 'x' } }), 401);
    expectProblem(await call('POST', `/v1/posts/${post.id}/comments`, { token: user.token, body: { text: ' ' } }), 400);
    expectProblem(await call('GET', `/v1/posts/${post.id}/comments?cursor=garbage`), 400);
    expectProblem(await call('GET', `/v1/posts/${post.id}/comments?limit=500`), 400);
    const missing = '/v1/posts/pst_00000000000000000000000000/comments';
    expectProblem(await call('POST', missing, { token: user.token, body: { text: 'x' } }), 404);
  });
});
