/**
 * Builds the Worker's app: middleware order, the one error handler, the OpenAPI document and the
 * mounting of every route group.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { Scalar } from '@scalar/hono-api-reference';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { timing } from 'hono/timing';
import { admission } from './lib/admission';
import { allowedMethods } from './lib/allowed-methods';
import type { AppEnv } from './lib/context';
import { ApiError, problemResponse } from './lib/errors';
import { allowedOrigin, apiContentSecurity, jsonGuard, SECURE_HEADERS } from './lib/hardening';
import { idempotency } from './lib/idempotency';
import { log } from './lib/logger';
import { conditionalGet, limitBody, requestLog, requireJsonBody, varyOnEncoding } from './lib/middleware';
import { Money } from './lib/money';
import { declareMiddlewareAnswers } from './lib/openapi';
import { auditRouter } from './routes/audit';
import { authRouter } from './routes/auth';
import { cartRouter } from './routes/cart';
import { categoriesRouter } from './routes/categories';
import { feedRouter } from './routes/feed';
import { healthRouter } from './routes/health';
import { liveSessionsRouter } from './routes/live-sessions';
import { meRouter } from './routes/me';
import { moderationRouter } from './routes/moderation';
import { ordersRouter } from './routes/orders';
import { passkeysRouter } from './routes/passkeys';
import { postsRouter } from './routes/posts';
import { privacyRouter } from './routes/privacy';
import { productsRouter } from './routes/products';
import { reviewsRouter } from './routes/reviews';
import { segmentsRouter } from './routes/segments';
import { sessionsRouter } from './routes/sessions';
import { sharesRouter } from './routes/shares';
import { usersRouter } from './routes/users';
import { videosRouter } from './routes/videos';
import { webhooksRouter } from './routes/webhooks';
import { SocialProof } from './schemas/discovery';
import './services/privacy/index';
import './services/subscribers';

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ strict: false });

  app.use(requestId());
  app.use(timing({ crossOrigin: false }));
  app.use(requestLog);
  app.use(secureHeaders(SECURE_HEADERS));
  app.use(apiContentSecurity);
  app.use(
    cors({
      origin: (origin, c) => allowedOrigin(origin, c.env),
      exposeHeaders: ['ETag', 'X-Request-Id', 'Idempotent-Replayed', 'RateLimit', 'RateLimit-Policy', 'Retry-After'],
      maxAge: 600,
    }),
  );
  // Compression (br/gzip by the client's Accept-Encoding) is done by Cloudflare's edge in production and by
  // Miniflare's entry worker locally, on the bytes the Worker returns; doing it again here would cost CPU.
  app.use(varyOnEncoding);
  app.use(limitBody);
  app.use(requireJsonBody);
  app.use(admission);
  app.use(jsonGuard);
  app.use(idempotency);
  app.use(conditionalGet);

  // Mount every router in this one chain: the typed client (src/client.ts) knows only the routes whose
  // types flow through it; a separate `app.route(...)` statement would work but be invisible to the client.
  // biome-ignore format: one router per line keeps parallel additions mergeable
  const routes = app
    .route('/', healthRouter)
    .route('/', authRouter)
    .route('/', meRouter)
    .route('/', sessionsRouter)
    .route('/', auditRouter)
    .route('/', productsRouter)
    .route('/', categoriesRouter)
    .route('/', usersRouter)
    .route('/', postsRouter)
    .route('/', reviewsRouter)
    .route('/', moderationRouter)
    .route('/', sharesRouter)
    .route('/', videosRouter)
    .route('/', feedRouter)
    .route('/', segmentsRouter)
    .route('/', liveSessionsRouter)
    .route('/', passkeysRouter)
    .route('/', privacyRouter)
    .route('/', cartRouter)
    .route('/', ordersRouter)
    .route('/', webhooksRouter);

  // The middleware above answers some requests before any route's handler: declared on each route it reaches.
  declareMiddlewareAnswers(app.openAPIRegistry.definitions);

  // Components also used with a description of their own (`price: Money.openapi({ description })`). The
  // generator builds a component from the first use it meets, that use's description included, and then
  // finds nothing new at that use: a bare $ref. Registered schemas are generated before any route, so the
  // components keep their own text and each use gets `allOf: [$ref, {description}]`.
  app.openAPIRegistry.register('Money', Money);
  app.openAPIRegistry.register('SocialProof', SocialProof);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Showroom API',
      version: '0.1.0',
      description: 'Edge REST API for live and social commerce. Errors are RFC 9457 problem+json.',
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
    },
    servers: [{ url: 'http://localhost:8787', description: 'Local (npm start)' }],
    // Every route accepts a bearer token; routes that require one say so with their own `security`.
    security: [{ bearerAuth: [] }, {}],
  });
  // The reference UI's script comes from our static assets (public/docs/scalar.js), not a CDN.
  // Static assets are normally served before the Worker runs; this route covers runtimes that route
  // every request to the Worker first (Miniflare's Node API in benchmarks).
  app.get('/docs/:asset{.+}', (c) => c.env.ASSETS.fetch(c.req.raw));
  // No web fonts from fonts.scalar.com either: the page makes no request beyond this Worker.
  app.get(
    '/docs',
    Scalar({ url: '/openapi.json', cdn: '/docs/scalar.js', pageTitle: 'Showroom API', withDefaultFonts: false }),
  );

  const allowedOn = allowedMethods(app.routes);
  app.notFound((c) => {
    c.set('unrouted', true);
    const allowed = allowedOn(c.req.path);
    const error =
      allowed.length > 0
        ? new ApiError('method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}`, {
            headers: { Allow: allowed.join(', ') },
          })
        : new ApiError('not_found', `No route for ${c.req.method} ${c.req.path}`);
    return problemResponse(error, c.get('requestId'));
  });
  app.onError((error, c) => {
    const requestId = c.get('requestId');
    if (error instanceof ApiError) return problemResponse(error, requestId);
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx (e.g. malformed JSON in the validator) keep their status but speak problem+json.
      const code = error.status === 401 ? 'unauthorized' : error.status === 413 ? 'payload_too_large' : 'bad_request';
      return problemResponse(new ApiError(code, error.message || 'Malformed request'), requestId);
    }
    log('error', 'unhandled', {
      requestId,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return problemResponse(new ApiError('internal', 'Something went wrong on our side'), requestId);
  });
  return routes;
}

export const app = createApp();
/** The app's routes as types, for Hono's typed client (`src/client.ts`). */
export type AppType = typeof app;
