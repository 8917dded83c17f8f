/**
 * A creator's catalog: the products they listed. Exported so a creator gets their listings back; erasure
 * leaves the products in place (orders and live sessions refer to them, and they hold no personal data once
 * the account is anonymised: cards then show "Deleted user", and the cached ones are purged).
 */
import { eq } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { products } from '../../db/schema';
import type { PrivacyArea } from '../privacy';

export const catalogArea: PrivacyArea = {
  name: 'catalog',
  async export(env, userId) {
    const rows = await createDb(env.DB)
      .select({
        id: products.id,
        title: products.title,
        description: products.description,
        categoryId: products.categoryId,
        tags: products.tags,
        media: products.media,
        currency: products.currency,
        createdAt: products.createdAt,
        updatedAt: products.updatedAt,
      })
      .from(products)
      .where(eq(products.creatorId, userId));
    return { products: rows };
  },
  async erase() {
    return undefined;
  },
};
