/**
 * An admin's moderation is final for everyone but admins (API5): the owner of a space may hide and show again
 * what they hid themselves, but not show again what an admin hid in it (their own post or video, or a
 * comment or review an admin took down in their space). Reviews of their products creators may not hide at all
 * (test/routes/moderation.test.ts); one they hid before that rule they may still show again.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { createPost } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

const hide = (token: string, targetType: string, targetId: string) =>
  call('POST', '/v1/moderation/hidden', { token, body: { targetType, targetId } });
const show = (token: string, targetType: string, targetId: string) =>
  call('DELETE', `/v1/moderation/hidden/${targetType}/${targetId}`, { token });

describe('showing again what an admin hid', () => {
  it('is refused to the video creator (403) and the video stays hidden; admins may', async () => {
    const [creator, admin, viewer] = await Promise.all([signUp('creator'), signUpAdmin(), signUp()]);
    const body = { title: 'Look', url: 'https://cdn.test/v.mp4', productTags: [] };
    const video = (await call('POST', '/v1/videos', { token: creator.token, body })).json;
    expect((await hide(admin.token, 'video', video.id)).status).toBe(200);
    expectProblem(await show(creator.token, 'video', video.id), 403);
    expectProblem(await call('GET', `/v1/videos/${video.id}`, { token: viewer.token }), 404);
    expect((await show(admin.token, 'video', video.id)).json.hidden).toBe(false);
    expect((await call('GET', `/v1/videos/${video.id}`, { token: viewer.token })).status).toBe(200);
  });

  it('is refused to the post author for the post and for a comment on it', async () => {
    const [author, troll, admin] = await Promise.all([signUp('creator'), signUp(), signUpAdmin()]);
    const post = await createPost(author.token);
    const comment = (await call('POST', `/v1/posts/${post.id}/comments`, { token: troll.token, body: { text: 'x' } }))
      .json;
    expect((await hide(admin.token, 'comment', comment.id)).status).toBe(200);
    expectProblem(await show(author.token, 'comment', comment.id), 403);
    expect((await call('GET', `/v1/posts/${post.id}/comments`)).json.data).toEqual([]);
    expect((await hide(admin.token, 'post', post.id)).status).toBe(200);
    // Hiding it again themselves does not turn the admin's decision into theirs.
    expect((await hide(author.token, 'post', post.id)).status).toBe(200);
    expectProblem(await show(author.token, 'post', post.id), 403);
    expectProblem(await call('GET', `/v1/posts/${post.id}`, { token: troll.token }), 404);
  });

  it('is refused to the product creator for a review an admin hid', async () => {
    const [creator, reviewer, admin] = await Promise.all([signUp('creator'), signUp(), signUpAdmin()]);
    const product = await insertProduct({ creatorId: creator.id });
    const review = (
      await call('POST', `/v1/products/${product.id}/reviews`, { token: reviewer.token, body: { rating: 2 } })
    ).json;
    expect((await hide(admin.token, 'review', review.id)).status).toBe(200);
    expectProblem(await show(creator.token, 'review', review.id), 403);
    expect((await call('GET', `/v1/products/${product.id}/reviews`)).json.data).toEqual([]);
  });

  it('lets the product creator show again a review they hid before creators lost the right to hide reviews', async () => {
    const [creator, reviewer] = await Promise.all([signUp('creator'), signUp()]);
    const product = await insertProduct({ creatorId: creator.id });
    const review = (
      await call('POST', `/v1/products/${product.id}/reviews`, { token: reviewer.token, body: { rating: 2 } })
    ).json;
    await env.DB.prepare('update reviews set hidden_at = ?, hidden_by_admin = 0 where id = ?')
      .bind(Date.now(), review.id)
      .run();
    expect((await call('GET', `/v1/products/${product.id}/reviews`)).json.data).toEqual([]);
    expect((await show(creator.token, 'review', review.id)).json.hidden).toBe(false);
    expect((await call('GET', `/v1/products/${product.id}/reviews`)).json.data).toHaveLength(1);
  });
});
