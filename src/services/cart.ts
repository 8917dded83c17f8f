/**
 * The server-side cart: one row per user holding the lines as the user put them. Prices and
 * availability are looked up on every read, so the cart always shows what checkout would charge.
 * Checkout is `POST /v1/orders {fromCart: true}` (src/routes/orders), which empties it atomically.
 * `updated_at` is the cart's version: its ETag names it, and a PUT with If-Match writes only over it; a PUT with
 * If-None-Match: * writes only where no cart is stored.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { carts } from '../db/schema';
import { ApiError } from '../lib/errors';
import { money } from '../lib/money';
import { toIso } from '../schemas/common';
import { type LineRequest, loadVariants, pickVariant } from './order-lines';

export async function readCartLines(db: Db, userId: string) {
  const row = await db.select().from(carts).where(eq(carts.userId, userId)).get();
  return { items: row?.items ?? [], updatedAt: row?.updatedAt ?? null };
}

/**
 * A PUT's precondition: its If-Match, `*` (a cart is stored) or the versions its tags name (0: no cart stored);
 * or `absent`, its If-None-Match: * (no cart is stored).
 */
export type CartPrecondition = '*' | number[] | 'absent';

/**
 * Replaces the lines. The version moves past the previous one even within one millisecond, so two versions
 * never share a tag. A precondition is checked by the statement that writes, so two devices holding one tag
 * cannot both win; when it fails, see `unlessAlreadySaved`.
 */
export async function replaceCart(db: Db, userId: string, items: LineRequest[], ifMatch?: CartPrecondition) {
  const now = Date.now();
  const set = { items, updatedAt: sql<number>`max(${now}, ${carts.updatedAt} + 1)` };
  const returned = { updatedAt: carts.updatedAt };
  let written: { updatedAt: number }[] = [];
  if (ifMatch === 'absent') {
    // One statement: of two devices creating the cart at once, the second finds the first's row.
    written = await db
      .insert(carts)
      .values({ userId, items, updatedAt: now })
      .onConflictDoNothing({ target: carts.userId })
      .returning(returned);
  } else if (ifMatch === undefined || (ifMatch !== '*' && ifMatch.includes(0))) {
    // No precondition, or the tag of an empty cart never stored: the cart may be created here.
    written = await db
      .insert(carts)
      .values({ userId, items, updatedAt: now })
      .onConflictDoUpdate({
        target: carts.userId,
        set,
        ...(ifMatch && { setWhere: inArray(carts.updatedAt, ifMatch) }),
      })
      .returning(returned);
  } else if (ifMatch === '*' || ifMatch.length > 0) {
    const version = ifMatch === '*' ? undefined : inArray(carts.updatedAt, ifMatch);
    written = await db
      .update(carts)
      .set(set)
      .where(and(eq(carts.userId, userId), version))
      .returning(returned);
  }
  if (written[0]) return { items, updatedAt: written[0].updatedAt };
  return unlessAlreadySaved(db, userId, items, ifMatch);
}

const refusals = {
  any: 'If-Match: * asks for a stored cart and there is none: GET /v1/cart, merge your change into it, and PUT it with its ETag',
  absent:
    'If-None-Match: * saves only a first cart, and one is stored (another device saved it): GET /v1/cart, merge your change into it, and PUT it with its ETag as If-Match',
  stale:
    'The cart changed since the version your If-Match names (another device saved it, or it was checked out): GET /v1/cart again, merge your change into it, and PUT it with the new ETag',
};

const lineKey = (lines: LineRequest[]) => JSON.stringify(lines.map((l) => [l.productId, l.variantId, l.quantity]));

/**
 * A failed precondition is a 412, except when the cart already holds exactly these lines: RFC 9110 §13.1.1
 * lets the server answer 2xx then, and it is what a PUT retried after its answer was lost finds (its own write).
 */
async function unlessAlreadySaved(db: Db, userId: string, items: LineRequest[], failed?: CartPrecondition) {
  const current = await db.select().from(carts).where(eq(carts.userId, userId)).get();
  if (current && lineKey(current.items) === lineKey(items)) return current;
  const why = failed === '*' ? 'any' : failed === 'absent' ? 'absent' : 'stale';
  throw new ApiError('precondition_failed', refusals[why]);
}

const messages = {
  unavailable: 'This product or variant is no longer available',
  choose_variant: 'Choose a variant of this product',
  out_of_stock: 'Out of stock',
  insufficient_stock: 'Fewer units are available than in your cart',
} as const;

/** The cart as the client shows it: current prices, availability, line totals and warnings. */
export async function cartView(db: Db, cart: { items: LineRequest[]; updatedAt: number | null }) {
  const known = await loadVariants(
    db,
    cart.items.map((i) => i.productId),
  );
  const warnings: { path: string; code: string; message: string }[] = [];
  const currencies = new Set<string>();
  let subtotal = 0;
  // Units each variant's earlier lines ask for: `{productId}` of a one-variant product and `{productId,
  // variantId}` are one variant, and checkout merges them, so later lines get what the earlier ones leave.
  const asked = new Map<string, number>();
  const items = cart.items.map((item, i) => {
    const picked = pickVariant(known, item);
    const variant = typeof picked === 'string' || picked.onSale ? picked : 'unavailable';
    if (typeof variant === 'string') {
      warnings.push({ path: `items.${i}`, code: variant, message: messages[variant] });
      const empty = { title: null, options: null, unitPrice: null, lineTotal: null, available: 0 };
      return {
        productId: item.productId,
        variantId: item.variantId ?? null,
        quantity: item.quantity,
        ...empty,
        status: variant,
      };
    }
    const left = variant.available - (asked.get(variant.variantId) ?? 0);
    asked.set(variant.variantId, (asked.get(variant.variantId) ?? 0) + item.quantity);
    const status: 'ok' | 'out_of_stock' | 'insufficient_stock' =
      variant.available === 0 ? 'out_of_stock' : left < item.quantity ? 'insufficient_stock' : 'ok';
    if (status !== 'ok') warnings.push({ path: `items.${i}`, code: status, message: messages[status] });
    else {
      subtotal += variant.price * item.quantity;
      currencies.add(variant.currency);
    }
    return {
      productId: item.productId,
      variantId: variant.variantId,
      quantity: item.quantity,
      title: variant.title,
      options: variant.options,
      unitPrice: money(variant.price, variant.currency),
      lineTotal: money(variant.price * item.quantity, variant.currency),
      available: variant.available,
      status,
    };
  });
  if (currencies.size > 1) {
    warnings.push({
      path: 'items',
      code: 'mixed_currencies',
      message: 'Items in different currencies must be ordered separately',
    });
  }
  return {
    items,
    subtotal: currencies.size === 1 ? money(subtotal, [...currencies][0]) : null,
    warnings,
    updatedAt: cart.updatedAt ? toIso(cart.updatedAt) : null,
  };
}

export type CartView = Awaited<ReturnType<typeof cartView>>;
