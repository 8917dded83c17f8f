/**
 * Linking someone else's resources (API1): a creator's shoppable video may tag only that creator's products,
 * as a live session may list only theirs. A foreign tag would put another creator's catalog on the tagger's
 * video and credit the tagger's video shares (and share stats) with that creator's sales.
 */
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { insertProduct } from '../helpers/catalog';
import { call, expectProblem } from '../helpers/http';
import { signUp, signUpAdmin } from '../helpers/users';

const video = (productId: string) => ({
  title: 'Lookbook',
  url: 'https://cdn.test/v.mp4',
  productTags: [{ productId, startMs: 0, endMs: 5000 }],
});

describe('POST /v1/videos tags', () => {
  it("refuses another creator's product (422 on the tag), stores nothing, allows admins", async () => {
    const [creator, other, admin] = await Promise.all([signUp('creator'), signUp('creator'), signUpAdmin()]);
    const mine = await insertProduct({ creatorId: creator.id });
    const theirs = await insertProduct({ creatorId: other.id });
    const body = {
      ...video(mine.id),
      productTags: [...video(mine.id).productTags, { productId: theirs.id, startMs: 0, endMs: 5000 }],
    };
    const problem = expectProblem(await call('POST', '/v1/videos', { token: creator.token, body }), 422);
    expect(problem.errors).toEqual([{ path: 'body.productTags.1.productId', message: 'not one of your products' }]);
    const stored = await env.DB.prepare('SELECT count(*) AS n FROM videos WHERE creator_id = ?')
      .bind(creator.id)
      .first();
    expect(stored?.n).toBe(0);

    expect((await call('POST', '/v1/videos', { token: creator.token, body: video(mine.id) })).status).toBe(201);
    expect((await call('POST', '/v1/videos', { token: admin.token, body: video(theirs.id) })).status).toBe(201);
  });
});
