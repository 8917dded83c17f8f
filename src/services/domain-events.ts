/**
 * The one place domain events are emitted. Today they are logged; outbound webhooks, analytics and
 * offline delta sync subscribe here in their own issues.
 */
import { log } from '../lib/logger';

export type DomainEvent =
  | { type: 'user.registered'; userId: string }
  | { type: 'product.created' | 'product.updated' | 'product.deleted'; productId: string; creatorId: string }
  | { type: 'stock.changed'; productId: string; variantId: string; available: number };

export function emitDomainEvent(event: DomainEvent, requestId?: string): void {
  log('info', 'domain_event', { requestId, event });
}
