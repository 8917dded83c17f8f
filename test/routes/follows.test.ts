import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../helpers/http';
import { createPost } from '../helpers/social';
import { signUp } from '../helpers/users';

describe('POST|DELETE /v1/users/{id}/follow', () => {
  it('follows and unfollows idempotently, with counts on both profiles', async () => {
    const creator = await signUp('creator');
    const fan = await signUp();
    for (let i = 0; i < 2; i++) {
      const res = await call('POST', `/v1/users/${creator.id}/follow`, { token: fan.token });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ userId: creator.id, following: true, followerCount: 1 });
    }
    const profile = await call('GET', `/v1/users/${creator.id}`, { token: fan.token });
    expect(profile.json).toMatchObject({ followerCount: 1, followingCount: 0, following: true, liveNow: null });
    expect((await call('GET', `/v1/users/${fan.id}`)).json).toMatchObject({ followingCount: 1, following: null });
    for (let i = 0; i < 2; i++) {
      const res = await call('DELETE', `/v1/users/${creator.id}/follow`, { token: fan.token });
      expect(res.json).toEqual({ userId: creator.id, following: false, followerCount: 0 });
    }
  });

  it('counts exactly under concurrent follows from many users', async () => {
    const creator = await signUp('creator');
    const fans = await Promise.all(Array.from({ length: 8 }, () => signUp()));
    await Promise.all(
      fans.flatMap((fan) => [1, 2].map(() => call('POST', `/v1/users/${creator.id}/follow`, { token: fan.token }))),
    );
    expect((await call('GET', `/v1/users/${creator.id}`)).json.followerCount).toBe(8);
  });

  it('needs a token, a real user and not yourself', async () => {
    const me = await signUp();
    expectProblem(await call('POST', `/v1/users/${me.id}/follow`), 401);
    expectProblem(await call('POST', `/v1/users/${me.id}/follow`, { token: 'bad' }), 401);
    expectProblem(await call('POST', `/v1/users/${me.id}/follow`, { token: me.token }), 422);
    expectProblem(await call('POST', '/v1/users/usr_00000000000000000000000000/follow', { token: me.token }), 404);
    expectProblem(await call('POST', '/v1/users/prd_nope/follow', { token: me.token }), 400);
  });
});

describe('GET /v1/users/{id}', () => {
  it('is public, shows no private fields, and counts only visible posts', async () => {
    const creator = await signUp('creator');
    await createPost(creator.token);
    const res = await call('GET', `/v1/users/${creator.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: creator.id, role: 'creator', postCount: 1, following: null });
    expect(res.text).not.toContain('@');
    expect(res.headers.get('cache-control')).toContain('public');
    expectProblem(await call('GET', '/v1/users/usr_00000000000000000000000000'), 404);
    expectProblem(await call('GET', '/v1/users/nope'), 400);
  });
});
