import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids';
import { insertProduct } from '../helpers/catalog';
import { call, expectInvalidCursor, expectProblem } from '../helpers/http';
import { insertPaidOrder } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

const DAY = 24 * 3600 * 1000;

async function define(token: string, rules: unknown[], key = `s-${crypto.randomUUID().slice(0, 8)}`) {
  return call('POST', '/v1/admin/segments', { token, body: { key, name: key, rules } });
}

describe('/v1/admin/segments', () => {
  it('evaluates new, repeat buyer, big spender and lapsed against real purchases', async () => {
    const admin = await signUpAdmin();
    const creator = await signUp('creator');
    const product = await insertProduct({ creatorId: creator.id });
    const [fresh, repeat, whale, lapsed] = await Promise.all([signUp(), signUp(), signUp(), signUp()]);
    // Everyone but `fresh` signed up long ago.
    for (const u of [repeat, whale, lapsed]) {
      await env.DB.prepare('update users set created_at = ? where id = ?')
        .bind(Date.now() - 400 * DAY, u.id)
        .run();
    }
    await insertPaidOrder(repeat.id, [{ productId: product.id, amount: 1000 }]);
    await insertPaidOrder(repeat.id, [{ productId: product.id, amount: 1000 }]);
    await insertPaidOrder(whale.id, [{ productId: product.id, amount: 90_000 }]);
    await insertPaidOrder(lapsed.id, [{ productId: product.id, amount: 5000 }], { paidAt: Date.now() - 120 * DAY });
    const segments = {
      new: await define(admin.token, [{ kind: 'new', withinDays: 7 }]),
      repeat: await define(admin.token, [{ kind: 'repeat_buyer', minOrders: 2 }]),
      whale: await define(admin.token, [{ kind: 'big_spender', minSpend: { amount: 50_000, currency: 'USD' } }]),
      lapsed: await define(admin.token, [{ kind: 'lapsed', inactiveDays: 90 }]),
    };
    for (const s of Object.values(segments)) expect(s.status).toBe(201);
    const member = async (segment: { json: { id: string } }, userId: string) =>
      (await call('GET', `/v1/admin/segments/${segment.json.id}/members/${userId}`, { token: admin.token })).json
        .member;
    expect(await member(segments.new, fresh.id)).toBe(true);
    expect(await member(segments.new, repeat.id)).toBe(false);
    expect(await member(segments.repeat, repeat.id)).toBe(true);
    expect(await member(segments.repeat, whale.id)).toBe(false);
    expect(await member(segments.whale, whale.id)).toBe(true);
    expect(await member(segments.whale, repeat.id)).toBe(false);
    expect(await member(segments.lapsed, lapsed.id)).toBe(true);
    expect(await member(segments.lapsed, whale.id)).toBe(false);
    expect(await member(segments.lapsed, fresh.id)).toBe(false);
    // A user who does not exist (or was erased) is not "not a member": there is no such user.
    const unknown = await call('GET', `/v1/admin/segments/${segments.new.json.id}/members/${newId('user')}`, {
      token: admin.token,
    });
    expect(expectProblem(unknown, 404).detail).toMatch(/user/i);
    const both = await define(admin.token, [
      { kind: 'lapsed', inactiveDays: 90 },
      { kind: 'big_spender', minSpend: { amount: 1, currency: 'USD' } },
    ]);
    const members = await call('GET', `/v1/admin/segments/${both.json.id}/members`, { token: admin.token });
    expect(members.json.data.map((m: { id: string }) => m.id)).toContain(lapsed.id);
    expect(members.json.data.map((m: { id: string }) => m.id)).not.toContain(whale.id);
    const one = await call('GET', `/v1/admin/segments/${segments.whale.json.id}`, { token: admin.token });
    expect(one.json.memberCount).toBeGreaterThanOrEqual(1);
    const list = await call('GET', '/v1/admin/segments?limit=100', { token: admin.token });
    expect(list.json.data.length).toBeGreaterThanOrEqual(5);
  });

  it('refuses a members cursor taken from another segment, naming the cursor', async () => {
    const admin = await signUpAdmin();
    await signUp();
    const rules = [{ kind: 'new', withinDays: 7 }];
    const [a, b] = [(await define(admin.token, rules)).json, (await define(admin.token, rules)).json];
    const members = (id: string, query: string) =>
      call('GET', `/v1/admin/segments/${id}/members?limit=1&${query}`, { token: admin.token });
    const first = await members(a.id, '');
    expect(first.json.nextCursor).toBeTypeOf('string');
    expectInvalidCursor(await members(b.id, `cursor=${first.json.nextCursor}`));
    const same = await members(a.id, `cursor=${first.json.nextCursor}`);
    expect(same.status).toBe(200);
    expect(same.json.data[0].id).not.toBe(first.json.data[0].id);
  });

  it("refuses the segments list's cursor on another list without filters (reports, my orders)", async () => {
    const admin = await signUpAdmin();
    const rules = [{ kind: 'new', withinDays: 7 }];
    await define(admin.token, rules);
    await define(admin.token, rules);
    const first = await call('GET', '/v1/admin/segments?limit=1', { token: admin.token });
    expect(first.json.nextCursor).toBeTypeOf('string');
    const cursor = first.json.nextCursor;
    expectInvalidCursor(await call('GET', `/v1/admin/reports?cursor=${cursor}`, { token: admin.token }));
    expect((await call('GET', `/v1/admin/segments?limit=1&cursor=${cursor}`, { token: admin.token })).status).toBe(200);
  });

  it('is admin-only, rejects bad rules and duplicate keys', async () => {
    const admin = await signUpAdmin();
    const shopper = await signUp();
    const rules = [{ kind: 'new', withinDays: 7 }];
    expectProblem(await define(shopper.token, rules), 403);
    expectProblem(await call('GET', '/v1/admin/segments'), 401);
    expectProblem(await define(admin.token, [{ kind: 'vip' }]), 400);
    expectProblem(await define(admin.token, [{ kind: 'new', withinDays: -1 }]), 400);
    expectProblem(await define(admin.token, []), 400);
    expectProblem(await define(admin.token, rules, 'Bad Key'), 400);
    expect((await define(admin.token, rules, 'dup-key')).status).toBe(201);
    expect(expectProblem(await define(admin.token, rules, 'dup-key'), 409).code).toBe('already_exists');
    expectProblem(await call('GET', '/v1/admin/segments/seg_00000000000000000000000000', { token: admin.token }), 404);
  });
});
