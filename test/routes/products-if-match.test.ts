/**
 * Lost-update protection for product edits: the card's ETag is `"<version>.<digest>"`, the version moves only
 * with the owner's PATCH, and PATCH / DELETE with a stale If-Match get a 412 with nothing written.
 */
import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../helpers/http';
import { liveShow } from '../helpers/live';
import { order } from '../helpers/orders';
import { createProductApi } from '../helpers/products';
import { signUp, signUpAdmin } from '../helpers/users';

const etagOf = (res: { headers: Headers }) => res.headers.get('etag') ?? '';
/** A card's tag is `"<version>.<digest>"`; a sparse read's adds `.<fields>` (derived from the card's, no digest of its own). */
const versionOf = (etag: string) => /^"([0-9a-z]+)\.[\w-]{22}(?:\.[\w.]+)?"$/.exec(etag)?.[1];

async function setup() {
  const creator = await signUp('creator');
  const made = await createProductApi(creator.token, {
    variants: [
      { options: { size: 'S' }, stock: 3 },
      { options: { size: 'M' }, stock: 3 },
    ],
  });
  const path = `/v1/products/${made.id}`;
  const get = (query = '', ifNoneMatch?: string) =>
    call('GET', `${path}${query}`, { headers: ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {} });
  const patch = (body: unknown, ifMatch?: string, token = creator.token) =>
    call('PATCH', path, { token, body, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
  const remove = (ifMatch?: string, token = creator.token) =>
    call('DELETE', path, { token, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
  return { creator, made, path, get, patch, remove };
}

describe('product ETags name a version', () => {
  it('full and sparse reads name the version, 304 on If-None-Match, and move to the next version on PATCH', async () => {
    const { get, patch } = await setup();
    const full = await get();
    const sparse = await get('?fields=id,title');
    expect(versionOf(etagOf(full))).toBe('1');
    expect(versionOf(etagOf(sparse))).toBe('1');
    expect(etagOf(sparse)).not.toBe(etagOf(full));
    expect(etagOf(sparse)).toBe(`${etagOf(full).slice(0, -1)}.id.title"`);
    expect((await get('', etagOf(full))).status).toBe(304);
    expect((await get('?fields=id,title', etagOf(sparse))).status).toBe(304);

    // The card is cached (memory and KV) by now; the edit's answer and the next reads name version 2.
    const edited = await patch({ title: 'Edited' }, etagOf(full));
    expect(edited.status).toBe(200);
    expect(versionOf(etagOf(edited))).toBe('2');
    const after = await get('', etagOf(full));
    expect(after.status).toBe(200);
    expect(versionOf(etagOf(after))).toBe('2');
    expect(versionOf(etagOf(await get('?fields=id,title')))).toBe('2');
    // The edit's own tag is good for the next edit; one without If-Match writes (as before) and moves it too.
    expect(versionOf(etagOf(await patch({ title: 'Next' }, etagOf(edited))))).toBe('3');
    expect(versionOf(etagOf(await patch({ title: 'Again' })))).toBe('4');
  });

  it('stock, sales and live-show changes move the digest but not the version: not a conflict for the owner', async () => {
    const show = await liveShow({ variants: [{ price: 1000, stock: 5 }] });
    const path = `/v1/products/${show.product.id}`;
    const before = etagOf(await call('GET', path));
    const buyer = await signUp();
    expect((await order(buyer.token, { items: [{ productId: show.product.id, quantity: 1 }] })).status).toBe(201);
    const live = await call('PATCH', `/v1/live-sessions/${show.id}/products/${show.product.id}`, {
      token: show.host.token,
      body: { price: { amount: 900, currency: 'USD' } },
    });
    expect(live.status).toBe(200);
    const now = await call('GET', path);
    expect(etagOf(now)).not.toBe(before);
    expect(versionOf(before)).toBe('1');
    expect(versionOf(etagOf(now))).toBe('1');
    const edited = await call('PATCH', path, {
      token: show.host.token,
      body: { title: 'Still mine to edit' },
      headers: { 'if-match': before },
    });
    expect(edited.status).toBe(200);
  });
});

describe('PATCH /v1/products/{id} with If-Match', () => {
  it('refuses a stale tag (412) and writes nothing: fields, variant changes and new variants alike', async () => {
    const { made, get, patch } = await setup();
    const tag = etagOf(await get());
    expect((await patch({ title: 'From the tablet' }, tag)).status).toBe(200);
    const kept = (await get()).json.updatedAt;
    const phoneEdit = {
      title: 'From the phone',
      variants: [
        { id: made.variants[0].id, stock: 9 },
        { options: { size: 'L' }, price: { amount: 100, currency: 'EUR' }, stock: 1 },
      ],
    };
    const stale = await patch(phoneEdit, tag);
    const problem = expectProblem(stale, 412);
    expect(problem.code).toBe('precondition_failed');
    expect(problem.detail).toContain('GET /v1/products/');
    const card = (await get()).json;
    expect(card.title).toBe('From the tablet');
    expect(card.variants.map((v: { stock: number }) => v.stock)).toEqual([3, 3]);
    expect(card.updatedAt).toBe(kept);
    // Reapplied with the current tag, the phone's edit goes through, every part of it.
    const merged = await patch(phoneEdit, etagOf(await get()));
    expect(merged.status).toBe(200);
    expect(merged.json.title).toBe('From the phone');
    expect(merged.json.price).toEqual({ amount: 100, currency: 'EUR' });
    expect(
      merged.json.variants.map((v: { options: { size: string }; stock: number }) => [v.options.size, v.stock]),
    ).toEqual([
      ['S', 9],
      ['M', 3],
      ['L', 1],
    ]);
  });

  it('lets exactly one of two edits sent at once with the same tag win', async () => {
    const { get, patch } = await setup();
    const tag = etagOf(await get());
    const results = await Promise.all([patch({ title: 'A' }, tag), patch({ title: 'B' }, tag)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200);
    const card = await get();
    expect(card.json.title).toBe(winner?.json.title);
    expect(versionOf(etagOf(card))).toBe('2');
  });

  it('If-Match: * writes to an existing product; tags never issued, weak or malformed never match', async () => {
    const { get, patch } = await setup();
    expect((await patch({ title: 'Any version' }, '*')).status).toBe(200);
    const tag = etagOf(await get());
    for (const bad of ['"nonsense"', `W/${tag}`, 'not-even-quoted', '"1.short"', `"${'z'.repeat(4000)}"`]) {
      expect(expectProblem(await patch({ title: 'Nope' }, bad), 412).code).toBe('precondition_failed');
    }
    expect((await get()).json.title).toBe('Any version');
    // One current tag in a list is enough, and the tag of a sparse read names the same version.
    expect((await patch({ title: 'Listed' }, `"nonsense", ${tag}`)).status).toBe(200);
    expect((await patch({ title: 'Sparse' }, etagOf(await get('?fields=title')))).status).toBe(200);
  });

  it("answers someone else's product 404 and a missing token 401 before looking at If-Match", async () => {
    const { get, patch } = await setup();
    const tag = etagOf(await get());
    const other = await signUp('creator');
    expectProblem(await patch({ title: 'Mine now' }, tag, other.token), 404);
    expectProblem(await patch({ title: 'Mine now' }, '"nonsense"', other.token), 404);
    expectProblem(await patch({ title: 'x' }, tag, ''), 401);
    expectProblem(await patch({ title: 'x' }, tag, 'garbage'), 401);
    expectProblem(await patch({ nope: 1 }, tag), 400);
    expectProblem(
      await call('PATCH', '/v1/products/prd_01jd3v8m2k9q4x7n5b6c8d0e1f', {
        token: (await signUpAdmin()).token,
        body: { title: 'x' },
        headers: { 'if-match': '*' },
      }),
      404,
    );
    expect((await get()).json.title).toBe('Linen shirt');
  });
});

describe('DELETE /v1/products/{id} with If-Match', () => {
  it('refuses a stale tag (412, still there) and deletes with the current one', async () => {
    const { get, patch, remove } = await setup();
    const tag = etagOf(await get());
    expect((await patch({ title: 'Edited elsewhere' })).status).toBe(200);
    expect(expectProblem(await remove(tag), 412).code).toBe('precondition_failed');
    expectProblem(await remove('garbage'), 412);
    expect((await get()).status).toBe(200);
    const other = await signUp('creator');
    expectProblem(await remove(etagOf(await get()), other.token), 404);
    expectProblem(await remove(etagOf(await get()), ''), 401);
    expect((await remove(etagOf(await get()))).status).toBe(204);
    expectProblem(await get(), 404);
    expectProblem(await remove('*'), 404);
  });

  it('If-Match: * deletes an existing product', async () => {
    const { get, remove } = await setup();
    expect((await remove('*')).status).toBe(204);
    expectProblem(await get(), 404);
  });
});
