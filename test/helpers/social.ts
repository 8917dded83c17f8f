/**
 * Fixtures for social tests: paid orders go straight into the purchase read model (the same function
 * the `order.paid` subscriber calls), so social proof can be tested against a known history.
 */
import { env } from 'cloudflare:test';
import { createDb } from '../../src/db/client';
import { newId } from '../../src/lib/ids';
import { type PaidOrder, recordPaidOrder } from '../../src/services/purchases';
import { call } from './http';

export async function insertPaidOrder(
  userId: string | null,
  items: { productId: string; quantity?: number; amount?: number }[],
  extra: Partial<Omit<PaidOrder, 'items' | 'userId'>> = {},
) {
  const lines = items.map((i) => ({ productId: i.productId, quantity: i.quantity ?? 1, amount: i.amount ?? 1999 }));
  const order: PaidOrder = {
    orderId: newId('order'),
    userId,
    currency: 'USD',
    shareCode: null,
    paidAt: Date.now(),
    items: lines,
    ...extra,
  };
  await recordPaidOrder(createDb(env.DB), order);
  return order;
}

export async function createPost(token: string, body: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/posts', { token, body: { text: 'hello', ...body } });
  if (res.status !== 201) throw new Error(`createPost failed: ${res.status} ${res.text}`);
  return res.json as { id: string; authorId: string; productIds: string[] };
}

/** A share link's code, as `POST /v1/shares` makes it. */
export async function shareOf(token: string, targetType: string, targetId: string) {
  const res = await call('POST', '/v1/shares', { token, body: { targetType, targetId, channel: 'whatsapp' } });
  if (res.status !== 201) throw new Error(`share failed: ${res.status} ${res.text}`);
  return res.json.code as string;
}
