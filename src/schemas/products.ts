/** Catalog request and response schemas: product cards, listing items, create / patch bodies, list query. */
import { z } from '@hono/zod-openapi';
import { Money } from '../lib/money';
import { PageQuery } from '../lib/pagination';
import { Id, QueryNumber, Timestamp } from './common';
import { SocialProof } from './discovery';
import { Media } from './social';

const Options = z
  .record(z.string().min(1).max(40), z.string().min(1).max(80))
  .refine((o) => Object.keys(o).length <= 5, 'at most 5 options')
  .openapi({ example: { size: 'M', colour: 'black' } });

const Category = z
  .string()
  .regex(/^[a-z0-9-]{1,60}$/, 'a category id such as sneakers')
  .openapi({ example: 'sneakers' });

const Tags = z
  .array(z.string().trim().min(1).max(40))
  .max(20)
  .openapi({ example: ['running', 'lightweight'] });

const Stock = z.number().int().min(0).max(1_000_000).openapi({ example: 25 });

export const Variant = z
  .object({
    id: Id('variant'),
    sku: z.string().nullable().openapi({ example: 'RUN-M-BLK' }),
    options: Options,
    price: Money,
    stock: z
      .number()
      .int()
      .openapi({ description: 'Units that can be bought now (on hand less reserved)', example: 7 }),
  })
  .openapi('Variant');

export const CreatorSummary = z
  .object({ id: Id('user'), displayName: z.string().openapi({ example: 'Maya Chen' }) })
  .openapi('CreatorSummary');

export const ProductCard = z
  .object({
    id: Id('product'),
    title: z.string().openapi({ example: 'Cloud Runner sneakers' }),
    description: z.string(),
    category: z.string().nullable().openapi({ example: 'sneakers' }),
    tags: z.array(z.string()),
    media: z.array(Media),
    price: Money.openapi({ description: 'The lowest variant price' }),
    inStock: z.boolean(),
    variants: z.array(Variant),
    creator: CreatorSummary,
    socialProof: SocialProof.openapi({
      description:
        'Shared by every viewer, so followedBuyers is null here (see the feed). Refreshed at least every ' +
        'minute and at once when a review, a moderation decision or a stock change touches the product.',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('ProductCard');
export type ProductCard = z.infer<typeof ProductCard>;

/** A card read with `?fields=`: the named fields and no others, so any of them may be absent. */
export const ProductCardFields = ProductCard.partial().openapi('ProductCardFields', {
  description: 'The fields of a ProductCard named in ?fields= (and only those)',
});

export const ProductListItem = z
  .object({
    id: Id('product'),
    title: z.string().openapi({ example: 'Cloud Runner sneakers' }),
    category: z.string().nullable().openapi({ example: 'sneakers' }),
    creatorId: Id('user'),
    image: z.string().nullable().openapi({ description: 'The first image, if any' }),
    price: Money.openapi({ description: 'The lowest variant price' }),
    inStock: z.boolean(),
    createdAt: Timestamp,
  })
  .openapi('ProductListItem');
export type ProductListItem = z.infer<typeof ProductListItem>;

/** A list item read with `?fields=`: the named fields and no others. */
export const ProductListItemFields = ProductListItem.partial().openapi('ProductListItemFields', {
  description: 'The fields of a ProductListItem named in ?fields= (and only those)',
});

/** `?fields=a,b` validated against the names a representation has; unknown names are a 400. */
function Fields(allowed: readonly string[]) {
  return z
    .string()
    .max(300)
    .transform((text, ctx) => {
      const names = [...new Set(text.split(',').map((f) => f.trim()))].filter(Boolean);
      const unknown = names.filter((n) => !allowed.includes(n));
      if (unknown.length > 0 || names.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown field(s) ${unknown.join(', ')}; allowed: ${allowed.join(',')}`,
        });
        return z.NEVER;
      }
      return names;
    })
    .optional()
    .openapi({ description: `Sparse fieldset, comma-separated (${allowed.join(', ')})`, example: 'id,title,price' });
}

export const cardFieldNames = Object.keys(ProductCard.shape);
export const listFieldNames = Object.keys(ProductListItem.shape);
export const CardQuery = z.object({ fields: Fields(cardFieldNames) }).strict();

export const sortNames = ['relevance', 'newest', 'price_asc', 'price_desc', 'popular', 'trending'] as const;
export type SortName = (typeof sortNames)[number];

export const ProductListQuery = PageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().openapi({ description: 'Full-text search', example: 'linen shirt' }),
  category: Category.optional(),
  creatorId: Id('user').optional(),
  minPrice: QueryNumber(z.number().int().min(0))
    .optional()
    .openapi({ description: 'Minor units, inclusive', example: 1000 }),
  maxPrice: QueryNumber(z.number().int().min(0))
    .optional()
    .openapi({ description: 'Minor units, inclusive', example: 5000 }),
  inStock: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .openapi({
      type: 'string',
      enum: ['true', 'false'],
      description: 'Only products that can (or cannot) be bought now',
    }),
  sort: z.enum(sortNames).optional().openapi({
    description: 'Default: relevance when `q` is given, else newest. relevance without `q` orders like newest.',
  }),
  fields: Fields(listFieldNames),
})
  .strict()
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice must not exceed maxPrice',
    path: ['minPrice'],
  });
export type ProductListQuery = z.infer<typeof ProductListQuery>;

const VariantCreate = z
  .object({
    sku: z.string().trim().min(1).max(64).optional(),
    options: Options,
    price: Money.optional().openapi({ description: 'Defaults to the product price' }),
    stock: Stock,
  })
  .strict();

export const ProductCreate = z
  .object({
    title: z.string().trim().min(1).max(200).openapi({ example: 'Cloud Runner sneakers' }),
    description: z.string().max(5000).optional(),
    category: Category.optional(),
    tags: Tags.optional(),
    media: z.array(Media).max(20).optional(),
    price: Money,
    stock: Stock.optional().openapi({ description: 'Stock of the default variant when no variants are given' }),
    variants: z.array(VariantCreate).min(1).max(100).optional(),
  })
  .strict()
  .superRefine((product, ctx) => {
    if (product.variants && product.stock !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['stock'], message: 'with variants, each variant has its own stock' });
    }
    for (const issue of repeatedVariants(product.variants ?? [])) ctx.addIssue({ code: 'custom', ...issue });
  })
  .openapi('ProductCreate');

/** Equal for equal option sets, whatever the order of their keys. */
export function optionsKey(options: Record<string, string>): string {
  return JSON.stringify(Object.entries(options).sort(([a], [b]) => a.localeCompare(b)));
}

/** Variants a buyer could not tell apart (the same options) or a SKU given twice, as issues on their path. */
function repeatedVariants(variants: { sku?: string | null; options?: Record<string, string> }[]) {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const options = new Set<string>();
  const skus = new Set<string>();
  variants.forEach((v, i) => {
    if (v.options) {
      const key = optionsKey(v.options);
      if (options.has(key))
        issues.push({ path: ['variants', i, 'options'], message: 'another variant has these options' });
      options.add(key);
    }
    if (v.sku) {
      if (skus.has(v.sku)) issues.push({ path: ['variants', i, 'sku'], message: 'another variant has this SKU' });
      skus.add(v.sku);
    }
  });
  return issues;
}
export type ProductCreate = z.infer<typeof ProductCreate>;

const VariantPatch = z
  .object({
    id: Id('variant').optional().openapi({ description: 'Omit to add a new variant' }),
    sku: z.string().trim().min(1).max(64).nullable().optional(),
    options: Options.optional(),
    price: Money.optional(),
    stock: Stock.optional().openapi({
      description: 'Units on hand; may not go below units reserved (409 stock_reserved)',
    }),
  })
  .strict();

export const ProductPatch = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(5000).optional(),
    category: Category.nullable().optional(),
    tags: Tags.optional(),
    media: z.array(Media).max(20).optional(),
    price: Money.optional().openapi({ description: 'Price of the only variant (products with one variant)' }),
    stock: Stock.optional().openapi({ description: 'Units on hand of the only variant (products with one variant)' }),
    variants: z.array(VariantPatch).min(1).max(100).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field')
  .openapi('ProductPatch');
export type ProductPatch = z.infer<typeof ProductPatch>;

export const CategoryItem = z
  .object({
    id: z.string().openapi({ example: 'sneakers' }),
    name: z.string().openapi({ example: 'Sneakers' }),
    productCount: z.number().int().openapi({ example: 412 }),
  })
  .openapi('Category');
