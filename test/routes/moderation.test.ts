import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { createPost } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

async function hide(token: string, targetType: string, targetId: string) {
  return call('POST', '/v1/moderation/hidden', { token, body: { targetType, targetId } });
}

describe('reports', () => {
  it('lets anyone signed in report, and admins list reports', async () => {
    const author = await signUp('creator');
    const reporter = await signUp();
    const post = await createPost(author.token);
    const res = await call('POST', '/v1/reports', {
      token: reporter.token,
      body: { targetType: 'post', targetId: post.id, reason: 'spam' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ reporterId: reporter.id, targetType: 'post', targetId: post.id });
    expectProblem(
      await call('POST', '/v1/reports', { body: { targetType: 'post', targetId: post.id, reason: 'x' } }),
      401,
    );
    const unknown = { targetType: 'comment', targetId: 'cmt_00000000000000000000000000', reason: 'x' };
    expectProblem(await call('POST', '/v1/reports', { token: reporter.token, body: unknown }), 404);
    const bad = { targetType: 'user', targetId: post.id, reason: 'x' };
    expectProblem(await call('POST', '/v1/reports', { token: reporter.token, body: bad }), 400);
    expectProblem(await call('GET', '/v1/admin/reports', { token: reporter.token }), 403);
    const admin = await signUpAdmin();
    const list = await call('GET', '/v1/admin/reports?limit=100', { token: admin.token });
    expect(list.json.data.some((r: { id: string }) => r.id === res.json.id)).toBe(true);
  });
});

describe('hiding content', () => {
  it('hides a comment from the list and the count; only the post author or an admin may', async () => {
    const author = await signUp('creator');
    const troll = await signUp();
    const post = await createPost(author.token);
    const comment = await call('POST', `/v1/posts/${post.id}/comments`, { token: troll.token, body: { text: 'spam' } });
    expectProblem(await hide(troll.token, 'comment', comment.json.id), 404);
    expect((await hide(author.token, 'comment', comment.json.id)).json).toMatchObject({ hidden: true });
    expect((await call('GET', `/v1/posts/${post.id}/comments`)).json.data).toEqual([]);
    expect((await call('GET', `/v1/posts/${post.id}`)).json.comments).toBe(0);
    const admin = await signUpAdmin();
    const shown = await call('DELETE', `/v1/moderation/hidden/comment/${comment.json.id}`, { token: admin.token });
    expect(shown.json).toMatchObject({ hidden: false });
    expect((await call('GET', `/v1/posts/${post.id}`)).json.comments).toBe(1);
  });

  it('hides a post: gone for others, its likes leave the product, the author still sees it', async () => {
    const author = await signUp('creator');
    const fan = await signUp();
    const product = await insertProduct({ creatorId: author.id });
    const post = await createPost(author.token, { productIds: [product.id] });
    await call('POST', `/v1/posts/${post.id}/likes`, { token: fan.token });
    const admin = await signUpAdmin();
    expect((await hide(admin.token, 'post', post.id)).status).toBe(200);
    expectProblem(await call('GET', `/v1/posts/${post.id}`, { token: fan.token }), 404);
    expectProblem(await call('POST', `/v1/posts/${post.id}/likes`, { token: fan.token }), 404);
    expect((await call('GET', `/v1/posts/${post.id}`, { token: author.token })).status).toBe(200);
    expect((await call('GET', `/v1/users/${author.id}`)).json.postCount).toBe(0);
  });

  it('refuses the product creator hiding a review of their product (403); they report it, an admin decides', async () => {
    const creator = await signUp('creator');
    const other = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const reviewer = await signUp();
    const review = await call('POST', `/v1/products/${product.id}/reviews`, {
      token: reviewer.token,
      body: { rating: 1 },
    });
    const listed = async () =>
      (await call('GET', `/v1/products/${product.id}/reviews`)).json.data.map((r: { id: string }) => r.id);
    expectProblem(await hide(other.token, 'review', review.json.id), 404);
    const refused = await hide(creator.token, 'review', review.json.id);
    expectProblem(refused, 403);
    expect(refused.json.detail).toMatch(/report/i);
    expect(await listed()).toEqual([review.json.id]);
    const report = { targetType: 'review', targetId: review.json.id, reason: 'unfair' };
    expect((await call('POST', '/v1/reports', { token: creator.token, body: report })).status).toBe(201);
    const admin = await signUpAdmin();
    expect((await hide(admin.token, 'review', review.json.id)).json.hidden).toBe(true);
    expect(await listed()).toEqual([]);
  });

  it('rejects a missing token and bad input', async () => {
    const user = await signUp();
    expectProblem(await call('POST', '/v1/moderation/hidden', { body: { targetType: 'post', targetId: 'x' } }), 401);
    expectProblem(await hide(user.token, 'planet', 'x'), 400);
    expectProblem(await call('DELETE', '/v1/moderation/hidden/planet/x', { token: user.token }), 400);
  });
});
