/**
 * A creator's catalog: the products they listed. Exported so a creator gets their listings back; erasure
 * leaves the products in place (orders and live sessions refer to them, and they hold no personal data once
 * the account is anonymised: cards then show "Deleted user", and the cached ones are purged) but withdraws
 * them from sale: nobody is left to ship them. Their stock goes to zero through the inventory path (units
 * other buyers' orders and holds reserved stay theirs, to be paid for, cancelled or expired), viewers and
 * cards follow the `stock.changed` event, and orders refuse them from then on (order-lines.ts), also once
 * reserved units come back. Registered after the live and orders areas, whose releases would otherwise put
 * units back on sale after the withdrawal.
 */
import { eq } from 'drizzle-orm';
import { createDb } from '../../db/client';
import { products } from '../../db/schema';
import { emitDomainEvent } from '../domain-events';
import { withdrawCreatorStatements } from '../inventory';
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
  async erase(env, userId, events) {
    const db = createDb(env.DB);
    const [variants] = await db.batch(withdrawCreatorStatements(db, userId));
    const productIds = [...new Set(variants.map((v) => v.productId))];
    if (productIds.length > 0) {
      await emitDomainEvent({ type: 'stock.changed', productIds, reason: 'account.erased' }, events);
    }
    return { productsWithdrawn: productIds.length };
  },
};
