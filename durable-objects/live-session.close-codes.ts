/**
 * The live protocol's own WebSocket close codes (4000–4999 are the application's). In their own file, free
 * of zod, so the browser client (src/live-client) can import them without the protocol's schemas.
 */

/**
 * The close code of a socket whose client pinged and then fell silent (see live/heartbeats.ts); clients
 * reconnect and resume as after any other close.
 */
export const HEARTBEAT_TIMEOUT_CLOSE = 4001;

/**
 * The close code of a signed-in socket whose account was erased: its identity was fixed at connect time, so it
 * is closed rather than left speaking for an account that no longer exists. Clients do not resume as that user.
 */
export const ACCOUNT_ERASED_CLOSE = 4003;
