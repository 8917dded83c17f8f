import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, ifMatchHeader, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
import { Page } from '../../lib/pagination';
import { IdParams } from '../../schemas/common';
import {
  CardQuery,
  ProductCard,
  ProductCardFields,
  ProductCreate,
  ProductListItem,
  ProductListItemFields,
  ProductListQuery,
  ProductPatch,
} from '../../schemas/products';

const tags = ['Catalog'];

const cachedRead = {
  ETag: {
    description:
      'Strong validator; send it back as If-None-Match. On a card, `"<version>.<digest>"` (a sparse read adds `.<fields>`): PATCH and DELETE take it as If-Match',
    schema: { type: 'string' as const },
  },
  'Cache-Control': {
    description: 'public with a short max-age for anonymous reads, private for signed-in ones',
    schema: { type: 'string' as const },
  },
};

const IfMatch = z.object({
  'if-match': ifMatchHeader(
    'The ETag of the card this change was made on (GET /v1/products/{id}, with or without ?fields=): edited since (another device, a replayed edit) → 412, GET it again and reapply. Only edits move it, not stock, sales or social proof. `*`: any version. Without it the write always applies.',
    '"2.8c1IhFq0vJ3tUeY7Zp2WkA"',
  ),
});

const writtenTag = {
  ETag: {
    description: 'The ETag of the card as written (a GET now gives the same): send it as If-Match with the next edit',
    schema: { type: 'string' as const },
  },
};

export const list = createRoute({
  operationId: 'products.list',
  method: 'get',
  path: '/v1/products',
  tags,
  summary: 'Search and browse products: full-text q, filters, six sorts, cursor pages, sparse fields',
  request: { query: ProductListQuery },
  responses: {
    200: {
      ...jsonContent(
        Page(z.union([ProductListItem, ProductListItemFields]), 'ProductPage'),
        'A page of products (items carry only the ?fields= named, when given)',
      ),
      headers: cachedRead,
    },
    ...notModified,
    ...problems(400, 401),
  },
});

export const getOne = createRoute({
  operationId: 'products.get',
  method: 'get',
  path: '/v1/products/{id}',
  tags,
  summary: 'The product card: product, variants with price and stock, creator summary',
  request: { params: IdParams('product'), query: CardQuery },
  responses: {
    200: {
      ...jsonContent(z.union([ProductCard, ProductCardFields]), 'The product card (or the requested fields of it)'),
      headers: cachedRead,
    },
    ...notModified,
    ...problems(400, 401, 404),
  },
});

export const create = createRoute({
  operationId: 'products.create',
  method: 'post',
  path: '/v1/products',
  tags,
  summary: 'Create a product (creators and admins); a top-level price/stock with no variants makes one variant',
  security: bearerSecurity,
  middleware: [requireRole('creator')] as const,
  request: { body: jsonBody(ProductCreate) },
  responses: {
    201: { ...jsonContent(ProductCard, 'The new product card'), headers: writtenTag },
    ...problems(400, 401, 403),
  },
});

export const patch = createRoute({
  operationId: 'products.update',
  method: 'patch',
  path: '/v1/products/{id}',
  tags,
  summary: 'Change a product you own (admins: any). Variant stock sets units on hand.',
  description:
    'Send the ETag of the card the edit was made on as If-Match so an edit from another device (or an old one replayed) is never overwritten unseen (412 precondition_failed: GET the card again, reapply, send with the new ETag).',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('product'), headers: IfMatch, body: jsonBody(ProductPatch) },
  responses: {
    200: { ...jsonContent(ProductCard, 'The updated product card'), headers: writtenTag },
    ...problems(400, 401, 404, 409, 412),
  },
});

export const remove = createRoute({
  operationId: 'products.delete',
  method: 'delete',
  path: '/v1/products/{id}',
  tags,
  summary: 'Delete a product you own (admins: any)',
  description: 'With If-Match, only the version it names is deleted (412 precondition_failed when edited since).',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('product'), headers: IfMatch },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 404, 409, 412) },
});
