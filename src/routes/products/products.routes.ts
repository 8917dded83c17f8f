import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '../../lib/auth';
import { bearerSecurity, jsonBody, jsonContent, notModified, problems } from '../../lib/openapi';
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
  ETag: { description: 'Strong validator; send it back as If-None-Match', schema: { type: 'string' as const } },
  'Cache-Control': {
    description: 'public with a short max-age for anonymous reads, private for signed-in ones',
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
  responses: { 201: jsonContent(ProductCard, 'The new product card'), ...problems(400, 401, 403) },
});

export const patch = createRoute({
  operationId: 'products.update',
  method: 'patch',
  path: '/v1/products/{id}',
  tags,
  summary: 'Change a product you own (admins: any). Variant stock sets units on hand.',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('product'), body: jsonBody(ProductPatch) },
  responses: {
    200: jsonContent(ProductCard, 'The updated product card'),
    ...problems(400, 401, 404, 409),
  },
});

export const remove = createRoute({
  operationId: 'products.delete',
  method: 'delete',
  path: '/v1/products/{id}',
  tags,
  summary: 'Delete a product you own (admins: any)',
  security: bearerSecurity,
  middleware: [requireRole()] as const,
  request: { params: IdParams('product') },
  responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 404, 409) },
});
