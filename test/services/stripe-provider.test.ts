import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/errors';
import { stripeProvider } from '../../src/services/payments/stripe';
import { verifyStripeEvent } from '../../src/services/payments/stripe-events';

const secret = 'whsec_test_secret';
const payload = JSON.stringify({
  id: 'evt_123',
  object: 'event',
  type: 'payment_intent.succeeded',
  data: { object: { id: 'pi_123', object: 'payment_intent', amount: 4200, amount_received: 4200, currency: 'usd' } },
});

async function officialHeader(body: string, key = secret, timestamp = Math.floor(Date.now() / 1000)) {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload: body, secret: key, timestamp });
}

describe('Stripe webhook verification (checked against the official package)', () => {
  it('accepts what Stripe signs and reads the event', async () => {
    const event = await verifyStripeEvent(payload, await officialHeader(payload), secret);
    expect(event).toEqual({ id: 'evt_123', kind: 'succeeded', providerRef: 'pi_123', amount: 4200, currency: 'USD' });
  });

  it('accepts any of several v1 signatures (secret rotation)', async () => {
    const good = await officialHeader(payload);
    const [t, v1] = good.split(',');
    const rotated = `${t},v1=${'0'.repeat(64)},${v1}`;
    expect((await verifyStripeEvent(payload, rotated, secret)).id).toBe('evt_123');
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and garbage', async () => {
    const header = await officialHeader(payload);
    for (const [body, head] of [
      [payload.replace('4200', '1'), header],
      [payload, await officialHeader(payload, 'whsec_other')],
      [payload, await officialHeader(payload, secret, Math.floor(Date.now() / 1000) - 600)],
      [payload, 'nonsense'],
      ['not json', await officialHeader('not json')],
    ] as const) {
      await expect(verifyStripeEvent(body, head, secret)).rejects.toMatchObject({ code: 'bad_request' });
    }
  });
});

describe('Stripe PaymentIntents over fetch', () => {
  const env = { STRIPE_SECRET_KEY: 'sk_test_123' } as unknown as Env;
  const refunded = { id: 'pay_9', orderId: 'ord_9', providerRef: '', amount: 100, currency: 'USD' };

  it('creates an intent with form encoding, auth and an idempotency key', async () => {
    const requests: Request[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return Response.json({ id: 'pi_1', client_secret: 'pi_1_secret_x' });
    }) as typeof fetch;
    const intent = await stripeProvider(env, fetcher).createIntent({
      paymentId: 'pay_1',
      orderId: 'ord_1',
      amount: 1999,
      currency: 'EUR',
    });
    expect(intent).toEqual({ providerRef: 'pi_1', clientSecret: 'pi_1_secret_x' });
    const [req] = requests;
    expect(req.url).toBe('https://api.stripe.com/v1/payment_intents');
    expect(req.headers.get('authorization')).toBe('Bearer sk_test_123');
    expect(req.headers.get('idempotency-key')).toBe('showroom-pay_1');
    const form = new URLSearchParams(await req.text());
    expect(Object.fromEntries(form)).toEqual({
      amount: '1999',
      currency: 'eur',
      'automatic_payment_methods[enabled]': 'true',
      'metadata[orderId]': 'ord_1',
      'metadata[paymentId]': 'pay_1',
    });
  });

  it('retries a 5xx once with the same key, and reports a refusal as 503', async () => {
    const keys: (string | null)[] = [];
    let calls = 0;
    const flaky = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      keys.push(new Headers(init?.headers).get('idempotency-key'));
      calls += 1;
      return calls === 1 ? new Response('oops', { status: 502 }) : Response.json({ id: 're_1' });
    }) as typeof fetch;
    await stripeProvider(env, flaky).refund({ ...refunded, providerRef: 'pi_9' });
    expect(keys).toEqual(['showroom-refund-pi_9', 'showroom-refund-pi_9']);

    const refusing = (async () =>
      Response.json({ error: { message: 'No such payment_intent' } }, { status: 400 })) as typeof fetch;
    const error = await stripeProvider(env, refusing)
      .refund({ ...refunded, providerRef: 'pi_missing' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
  });
});

describe('our Stripe requests match what the official package sends', () => {
  const env = { STRIPE_SECRET_KEY: 'sk_test_123' } as unknown as Env;
  const payment = { id: 'pay_1', orderId: 'ord_1', providerRef: 'pi_1', amount: 1999, currency: 'EUR' };

  /** A fetch that records the request and answers like Stripe would (just enough for both clients). */
  function recorder(into: Request[]) {
    return (async (input: RequestInfo | URL, init?: RequestInit) => {
      into.push(new Request(input, init));
      return Response.json({ id: 'pi_1', object: 'payment_intent', client_secret: 'pi_1_secret_x' });
    }) as typeof fetch;
  }

  async function shape(req: Request) {
    return {
      method: req.method,
      url: req.url,
      idempotencyKey: req.headers.get('idempotency-key'),
      version: req.headers.get('stripe-version'),
      form: Object.fromEntries(new URLSearchParams(await req.text())),
    };
  }

  it('refund and cancel: same method, path, form body, API version and idempotency key', async () => {
    const ours: Request[] = [];
    const provider = stripeProvider(env, recorder(ours));
    await provider.createIntent({ paymentId: 'pay_1', orderId: 'ord_1', amount: 1999, currency: 'EUR' });
    await provider.refund(payment);
    await provider.cancelIntent(payment, 'abandoned');

    const theirs: Request[] = [];
    const stripe = new Stripe('sk_test_123', { httpClient: Stripe.createFetchHttpClient(recorder(theirs)) });
    await stripe.paymentIntents.create(
      {
        amount: 1999,
        currency: 'eur',
        automatic_payment_methods: { enabled: true },
        metadata: { orderId: 'ord_1', paymentId: 'pay_1' },
      },
      { idempotencyKey: 'showroom-pay_1' },
    );
    await stripe.refunds.create({ payment_intent: 'pi_1' }, { idempotencyKey: 'showroom-refund-pi_1' });
    await stripe.paymentIntents.cancel(
      'pi_1',
      { cancellation_reason: 'abandoned' },
      { idempotencyKey: 'showroom-cancel-pi_1' },
    );

    expect(ours).toHaveLength(3);
    expect(theirs).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(await shape(ours[i])).toEqual(await shape(theirs[i]));
    expect(ours[1].url).toBe('https://api.stripe.com/v1/refunds');
    expect(ours[2].url).toBe('https://api.stripe.com/v1/payment_intents/pi_1/cancel');
  });
});
