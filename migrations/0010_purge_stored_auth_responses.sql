-- Auth routes stored their responses for Idempotency-Key replays until the middleware learned to skip them:
-- access and refresh tokens, emails and names, in plain text under the shared anonymous scope, which erasure
-- does not reach. Those rows would otherwise stay until the cron's seven-day purge.
DELETE FROM `idempotency_keys`
WHERE `response_body` LIKE '%"refreshToken"%' OR `response_body` LIKE '%"accessToken"%';
