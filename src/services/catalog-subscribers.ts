/**
 * Keeps catalog caches in step with writes: product cards (memory + KV) and in-isolate list pages.
 * Registered from src/services/subscribers.ts; runs before the write's response is sent.
 */
import type { DomainEvent, EventContext } from './domain-events';
import { invalidateCards } from './product-card-cache';
import { invalidateListPages } from './product-list-cache';

export async function onCatalogEvent(event: DomainEvent, ctx: EventContext): Promise<void> {
  switch (event.type) {
    case 'product.created':
      invalidateListPages();
      return;
    case 'product.updated':
    case 'product.deleted':
      invalidateListPages();
      await invalidateCards(ctx.env, [event.productId]);
      return;
    case 'stock.changed':
    case 'product.stats_changed':
      invalidateListPages();
      await invalidateCards(ctx.env, event.productIds);
      return;
    case 'user.renamed':
    case 'user.erased': {
      // The creator summary on each of their cards shows the name; product ids come from the creator index.
      // One KV delete per product: fine for hundreds of products, but a creator with more products than the
      // platform's subrequest limit (1,000 per request on paid plans) would need a queued fan-out or a
      // per-creator name key checked on KV reads instead.
      const { results } = await ctx.env.DB.prepare('SELECT id FROM products WHERE creator_id = ?')
        .bind(event.userId)
        .all<{ id: string }>();
      await invalidateCards(
        ctx.env,
        results.map((r) => r.id),
      );
      return;
    }
  }
}
