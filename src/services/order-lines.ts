/**
 * Turns what a buyer asked for ({productId, variantId?, quantity}) into priced lines, with prices read
 * from D1 on the server (live price overrides and flash sales are written through to `variants.price`).
 * Shared by checkout (strict: any problem is a 422) and the cart (lenient: problems become warnings).
 * Products of an erased creator are not on sale: nobody would ship them (their stock is withdrawn on erasure,
 * but units other buyers had reserved may come back later).
 */
import { eq, sql } from 'drizzle-orm';
import { inList } from '../db/bounded';
import type { Db } from '../db/client';
import { products, users, variants } from '../db/schema';
import { ApiError, type FieldError } from '../lib/errors';
import { notErased } from './privacy/account';

export interface LineRequest {
  productId: string;
  variantId?: string;
  quantity: number;
}

export interface VariantInfo {
  variantId: string;
  productId: string;
  title: string;
  options: Record<string, string>;
  price: number;
  currency: string;
  available: number;
  /** False when the product's creator erased their account. */
  onSale: boolean;
}

export interface PricedLine {
  productId: string;
  variantId: string;
  title: string;
  options: Record<string, string>;
  unitPrice: number;
  quantity: number;
}

/** Every variant of the given products, keyed by product id. */
export async function loadVariants(db: Db, productIds: string[]): Promise<Map<string, VariantInfo[]>> {
  const byProduct = new Map<string, VariantInfo[]>();
  if (productIds.length === 0) return byProduct;
  const rows = await db
    .select({
      variantId: variants.id,
      productId: variants.productId,
      title: products.title,
      options: variants.options,
      price: variants.price,
      currency: products.currency,
      onHand: variants.stockOnHand,
      reserved: variants.stockReserved,
      // A primary-key lookup in the same read: the order path pays no extra round trip for it.
      onSale: sql<number>`${notErased()}`,
    })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .innerJoin(users, eq(users.id, products.creatorId))
    .where(inList(variants.productId, [...new Set(productIds)]))
    .orderBy(variants.productId, variants.position);
  for (const { onHand, reserved, onSale, ...row } of rows) {
    const list = byProduct.get(row.productId) ?? [];
    list.push({ ...row, onSale: onSale === 1, available: onSale === 1 ? Math.max(0, onHand - reserved) : 0 });
    byProduct.set(row.productId, list);
  }
  return byProduct;
}

/** The variant a request names, or why it cannot be found. */
export function pickVariant(
  known: Map<string, VariantInfo[]>,
  line: LineRequest,
): VariantInfo | 'unavailable' | 'choose_variant' {
  const list = known.get(line.productId);
  if (!list || list.length === 0) return 'unavailable';
  if (line.variantId) return list.find((v) => v.variantId === line.variantId) ?? 'unavailable';
  return list.length === 1 ? list[0] : 'choose_variant';
}

/** Priced lines for an order, one per variant (duplicates merged); any unknown item or mixed currency is a 422. */
export async function priceLines(db: Db, requests: LineRequest[]): Promise<{ lines: PricedLine[]; currency: string }> {
  const known = await loadVariants(
    db,
    requests.map((r) => r.productId),
  );
  const errors: FieldError[] = [];
  const merged = new Map<string, PricedLine>();
  const currencies = new Set<string>();
  requests.forEach((request, i) => {
    const variant = pickVariant(known, request);
    if (variant === 'unavailable') {
      errors.push({ path: `items.${i}`, message: 'no such product or variant' });
      return;
    }
    if (variant === 'choose_variant') {
      errors.push({ path: `items.${i}.variantId`, message: 'this product has several variants; name one' });
      return;
    }
    if (!variant.onSale) {
      errors.push({ path: `items.${i}`, message: "no longer on sale: its creator's account was deleted" });
      return;
    }
    currencies.add(variant.currency);
    const existing = merged.get(variant.variantId);
    if (existing) existing.quantity += request.quantity;
    else
      merged.set(variant.variantId, {
        productId: variant.productId,
        variantId: variant.variantId,
        title: variant.title,
        options: variant.options,
        unitPrice: variant.price,
        quantity: request.quantity,
      });
  });
  if (errors.length > 0)
    throw new ApiError('unprocessable', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
  if (currencies.size > 1) {
    throw new ApiError('unprocessable', 'All items of an order must share one currency', {
      errors: [{ path: 'items', message: `mixed currencies: ${[...currencies].join(', ')}` }],
    });
  }
  return { lines: [...merged.values()], currency: [...currencies][0] };
}
