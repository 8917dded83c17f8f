/** The Hono environment every route shares: bindings from `wrangler types`, per-request variables. */
import type { Role } from '../schemas/users';

export interface AuthContext {
  userId: string;
  role: Role;
  /** The session (refresh-token family) the access token belongs to. */
  sessionId: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Set by the `admission` middleware (src/lib/admission.ts) when a valid access token was presented. */
    auth?: AuthContext;
    /** Set by the app's notFound handler: no route ran (a 404 for an unknown path, or a 405). */
    unrouted?: boolean;
  };
}
