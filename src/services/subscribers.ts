/**
 * Who listens to which domain events. Imported once by app.ts so subscriptions exist before any request.
 * Each capability adds its line here (card cache invalidation, live-session fan-out, …).
 */
import { onCatalogEvent } from './catalog-subscribers';
import { subscribe } from './domain-events';
import { notifyLiveSessions } from './live-subscriber';
import { onOrderEvent } from './social-subscriber';

subscribe(onCatalogEvent);
subscribe(notifyLiveSessions);
subscribe(onOrderEvent);
