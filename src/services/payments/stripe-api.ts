/**
 * The Stripe REST calls we make (create a PaymentIntent, cancel one, refund one), over fetch. The official
 * `stripe` package runs on workerd too, but it adds ~70 KB gzip to a bundle whose budget is 300 KB; the
 * package stays a dev dependency and the tests check our requests and signatures against it.
 * https://docs.stripe.com/api/payment_intents/create · https://docs.stripe.com/api/payment_intents/cancel ·
 * https://docs.stripe.com/api/refunds/create
 */
import { ApiError } from '../../lib/errors';

const API = 'https://api.stripe.com/v1';

type Params = Record<string, string | number | boolean | Record<string, string | number | boolean>>;

/** Stripe's form encoding: nested objects become `parent[child]=value`. */
export function formEncode(params: Params): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === 'object') {
      for (const [child, inner] of Object.entries(value)) form.append(`${key}[${child}]`, String(inner));
    } else form.append(key, String(value));
  }
  return form.toString();
}

export interface StripeApi {
  post<T>(path: string, params: Params, idempotencyKey: string): Promise<T>;
}

export function stripeApi(secretKey: string, fetcher: typeof fetch = fetch): StripeApi {
  return {
    async post<T>(path: string, params: Params, idempotencyKey: string): Promise<T> {
      // One retry on network errors and 5xx/429, as Stripe recommends; the idempotency key makes it safe.
      for (let attempt = 0; ; attempt++) {
        let res: Response | undefined;
        try {
          res = await fetcher(`${API}${path}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${secretKey}`,
              'content-type': 'application/x-www-form-urlencoded',
              'idempotency-key': idempotencyKey,
              // The API version the official package 23.1 pins; bump the two together.
              'stripe-version': '2026-10-28.endive',
            },
            body: formEncode(params),
          });
        } catch {
          if (attempt < 1) continue;
          throw new ApiError('unavailable', 'The payment provider could not be reached');
        }
        if (res.ok) return (await res.json()) as T;
        if ((res.status >= 500 || res.status === 429) && attempt < 1) continue;
        const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new ApiError('unavailable', `The payment provider refused: ${body.error?.message ?? res.status}`);
      }
    },
  };
}
