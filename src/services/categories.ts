/** Categories with how many products each has (one grouped read over the category indexes). */
import type { z } from '@hono/zod-openapi';
import type { CategoryItem } from '../schemas/products';

export async function listCategories(d1: D1Database): Promise<z.infer<typeof CategoryItem>[]> {
  const { results } = await d1
    .prepare(
      `SELECT c.id, c.name, (SELECT count(*) FROM products p WHERE p.category_id = c.id) AS productCount
       FROM categories c ORDER BY c.name`,
    )
    .all<z.infer<typeof CategoryItem>>();
  return results;
}
