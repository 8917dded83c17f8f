import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { newId } from '../../src/lib/ids';
import { runScheduledMaintenance } from '../../src/services/maintenance';
import { type PaidOrder, recordPaidOrder } from '../../src/services/purchases';
import { onOrderEvent } from '../../src/services/social-subscriber';
import { insertProduct } from '../helpers/catalog';
import { call } from '../helpers/http';
import { eventually, order, pay } from '../helpers/orders';
import { shareOf } from '../helpers/social';
import { signUp, signUpAdmin } from '../helpers/users';

const trendingOf = async (productId: string) =>
  (await env.DB.prepare('select trending_score from products where id = ?')
    .bind(productId)
    .first<number>('trending_score')) ?? 0;

describe('recording a paid order (the order.paid subscriber)', () => {
  it('a failed attempt leaves nothing half-recorded: the redelivered event records all of it, once', async () => {
    const creator = await signUp('creator');
    const [sharer, buyer] = [await signUp(), await signUp()];
    const product = await insertProduct({ creatorId: creator.id });
    const control = await insertProduct({ creatorId: creator.id });
    const shareCode = await shareOf(sharer.token, 'product', product.id);
    const paidAt = Date.now();
    const paid = (productId: string, code: string | null): PaidOrder => ({
      orderId: newId('order'),
      userId: buyer.id,
      currency: 'USD',
      shareCode: code,
      paidAt,
      items: [{ productId, quantity: 2, amount: 3998 }],
    });
    const db = createDb(env.DB);
    const order = paid(product.id, shareCode);

    // The share credit fails this once (as a D1 hiccup would, after the purchase rows could be written).
    await env.DB.exec(
      "create trigger fail_attribution before insert on share_attributions begin select raise(abort, 'injected'); end",
    );
    await expect(recordPaidOrder(db, order)).rejects.toThrow();
    await env.DB.exec('drop trigger fail_attribution');

    await recordPaidOrder(db, order); // the provider redelivers the event
    await recordPaidOrder(db, order); // and once more: nothing changes
    await recordPaidOrder(db, paid(control.id, null)); // the same purchase of another product, recorded cleanly

    const credited = await env.DB.prepare('select amount from share_attributions where order_id = ?')
      .bind(order.orderId)
      .first();
    expect(credited).toEqual({ amount: 3998 });
    const rows = await env.DB.prepare('select quantity from purchases where order_id = ?').bind(order.orderId).all();
    expect(rows.results).toEqual([{ quantity: 2 }]);
    expect(await trendingOf(product.id)).toBeGreaterThan(0);
    expect(await trendingOf(product.id)).toBe(await trendingOf(control.id));
  });

  it('the cron records a paid order whose subscriber failed after the payment committed', async () => {
    const creator = await signUp('creator');
    const [sharer, buyer] = [await signUp(), await signUp()];
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    const shareCode = await shareOf(sharer.token, 'product', product.id);
    const placed = await order(buyer.token, { items: [{ productId: product.id, quantity: 2 }], shareCode });
    await env.DB.exec(
      "create trigger fail_purchases before insert on purchases begin select raise(abort, 'injected'); end",
    );
    await pay(buyer.token, placed.json.id, { testOutcome: 'succeeded' });
    await eventually(
      () => call('GET', `/v1/orders/${placed.json.id}`, { token: buyer.token }),
      (res) => res.json.status === 'paid',
    );
    await env.DB.exec('drop trigger fail_purchases');
    const recorded = () =>
      env.DB.prepare('select quantity from purchases where order_id = ?').bind(placed.json.id).all();
    expect((await recorded()).results).toEqual([]);

    // Too soon: the order's own request may still be at it.
    expect((await runScheduledMaintenance(env)).recordedPurchases).toBe(0);
    expect((await runScheduledMaintenance(env, Date.now() + 10 * 60_000)).recordedPurchases).toBe(1);
    expect((await recorded()).results).toEqual([{ quantity: 2 }]);
    const credited = await env.DB.prepare('select amount from share_attributions where order_id = ?')
      .bind(placed.json.id)
      .first();
    expect(credited).toEqual({ amount: 3000 });
    expect(await trendingOf(product.id)).toBeGreaterThan(0);
    expect((await runScheduledMaintenance(env, Date.now() + 10 * 60_000)).recordedPurchases).toBe(0);
  });

  it('a paid event handled after its order was refunded leaves nothing counted', async () => {
    const creator = await signUp('creator');
    const buyer = await signUp();
    const admin = await signUpAdmin();
    const product = await insertProduct({ creatorId: creator.id, variants: [{ price: 1500, stock: 10 }] });
    const placed = await order(buyer.token, { items: [{ productId: product.id, quantity: 1 }] });
    await pay(buyer.token, placed.json.id, { testOutcome: 'succeeded' });
    await eventually(
      () => call('GET', `/v1/orders/${placed.json.id}`, { token: buyer.token }),
      (res) => res.json.status === 'paid',
    );
    expect((await call('POST', `/v1/orders/${placed.json.id}/refund`, { token: admin.token })).status).toBe(200);
    // The paid event's subscriber read the order before the refund and writes after it (the race, in order).
    await onOrderEvent({ type: 'order.paid', orderId: placed.json.id, userId: buyer.id }, { env });
    const rows = await env.DB.prepare('select count(*) as n from purchases where order_id = ?')
      .bind(placed.json.id)
      .first();
    expect(rows).toEqual({ n: 0 });
  });
});
