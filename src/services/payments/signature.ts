/**
 * Signs a webhook payload with Stripe's scheme (`Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
 * "<t>.<payload>">`), so the test provider's webhooks are verified by exactly the code that verifies
 * Stripe's (https://docs.stripe.com/webhooks#verify-manually).
 */
export async function signStripePayload(payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${timestamp}.${payload}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `t=${timestamp},v1=${hex}`;
}
