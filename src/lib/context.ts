/** The Hono environment every route shares: bindings from `wrangler types`, per-request variables. */
import type { Role } from '../schemas/users';

export interface AuthContext {
  userId: string;
  role: Role;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

/** A write's claimed Idempotency-Key and its request's fingerprint (see src/lib/idempotency.ts). */
export interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Set by the `admission` middleware (src/lib/admission.ts) when a valid access token was presented. */
    auth?: AuthContext;
    /**
     * Set by the `idempotency` middleware once it claimed the request's key, for a handler that records the key
     * with what it writes (an order does: src/services/order-recovery.ts), never recomputing the fingerprint.
     */
    idempotency?: IdempotencyClaim;
    /** Set by the app's notFound handler: no route ran (a 404 for an unknown path, or a 405). */
    unrouted?: boolean;
  };
}
