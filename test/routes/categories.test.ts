import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../helpers/http';
import { createProductApi, ensureCategory } from '../helpers/products';
import { signUp } from '../helpers/users';

interface Category {
  id: string;
  name: string;
  productCount: number;
}
const find = async (id: string): Promise<Category | undefined> =>
  (await call('GET', '/v1/categories')).json.data.find((c: Category) => c.id === id);

describe('GET /v1/categories', () => {
  it('lists categories with product counts that follow creates and deletes', async () => {
    await ensureCategory('ceramics', 'Ceramics');
    const before = (await find('ceramics'))?.productCount ?? 0;
    const creator = await signUp('creator');
    const made = await createProductApi(creator.token, { category: 'ceramics' });
    await createProductApi(creator.token, { category: 'ceramics' });
    expect(await find('ceramics')).toEqual({ id: 'ceramics', name: 'Ceramics', productCount: before + 2 });
    await call('DELETE', `/v1/products/${made.id}`, { token: creator.token });
    expect((await find('ceramics'))?.productCount).toBe(before + 1);
  });

  it('is cacheable with an ETag and 304', async () => {
    const res = await call('GET', '/v1/categories');
    expect(res.status).toBe(200);
    expect(res.json.nextCursor).toBeNull();
    const etag = res.headers.get('etag') as string;
    expect(res.headers.get('cache-control')).toContain('public, max-age=');
    expect((await call('GET', '/v1/categories', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('rejects a bad token (401) even though it is public', async () => {
    expectProblem(await call('GET', '/v1/categories', { token: 'not-a-jwt' }), 401);
  });

  it('refuses query parameters it does not know, like every list', async () => {
    expectProblem(await call('GET', '/v1/categories?parent=shoes'), 400);
  });
});
