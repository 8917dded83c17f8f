// autocannon setupRequest for the orders bench (loaded in the load process): each connection is one buyer
// (its own token and address) placing one-unit orders for the hot product, each with a fresh Idempotency-Key.
import { randomUUID } from 'node:crypto';

const { tokens, productId } = JSON.parse(process.env.BENCH_ORDERS ?? '{}');
const body = JSON.stringify({ items: [{ productId, quantity: 1 }] });
let nextBuyer = 0;

export function setupRequest(request, context) {
  if (context.buyer === undefined) {
    context.buyer = nextBuyer % tokens.length;
    nextBuyer += 1;
  }
  return {
    ...request,
    method: 'POST',
    path: '/v1/orders',
    body,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${tokens[context.buyer]}`,
      'idempotency-key': randomUUID(),
      'cf-connecting-ip': `10.0.${Math.floor(context.buyer / 250)}.${(context.buyer % 250) + 1}`,
    },
  };
}
