// The GraphQL documents of the products stream on Shopify and what each costs: the paged walk of a window (products by
// UPDATED_AT, each with its first variants), the rest of a product's variants, the count, the bulk export of a full
// resync, and deletions (`events` of subject type PRODUCT, action `destroy`; `nodes(ids:)` for reconciliation).
//
// Sources (read Dec 2026, and the vendored 2025-10 and 2026-10 schemas): queries/products (sortKey UPDATED_AT, the
// `updated_at` search filter), objects/Product, objects/ProductVariant (price is Money, a decimal string;
// inventoryQuantity nullable), queries/productsCount, queries/events (subject_type, action, created_at filters).
// `deletionEvents` also lists product deletions but is deprecated ("Use `events` instead") in both versions.
import type { Window } from '../../../../core/run-types';
import { connectionCost, MAX_CONNECTION_FIRST, MAX_SINGLE_QUERY_COST, windowFilter } from '../queries';

/** The product's own fields, the same in every document so paged, follow-up and bulk nodes map through one path. */
export const PRODUCT_FIELDS = 'id title vendor productType status tags createdAt updatedAt';

/** One variant: what the contract names (Money is a decimal string; inventoryQuantity null when untracked). */
export const VARIANT_FIELDS = 'id sku title price inventoryQuantity';

/** One slice of the window, oldest change first, each product with its first `$variants` variants. */
export const PRODUCTS_PAGE_QUERY = `query ProductsPage($first: Int!, $after: String, $query: String!, $variants: Int!) {
  products(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      ${PRODUCT_FIELDS}
      variants(first: $variants) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The connections of a Product the connector reads to their end, by the names ProductConnections' variables use. */
export const PRODUCT_CONNECTIONS = ['variants'] as const;

/**
 * One product by id: its own fields (to tell a change between the page and this query) and the next slice of its
 * variants, the same variable names as OrderConnections so one walk completes both.
 */
export const PRODUCT_CONNECTIONS_QUERY = `query ProductConnections($id: ID!,
  $withVariants: Boolean!, $variantsFirst: Int!, $variantsAfter: String) {
  product(id: $id) {
    ${PRODUCT_FIELDS}
    variants(first: $variantsFirst, after: $variantsAfter) @include(if: $withVariants) {
      nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const PRODUCTS_COUNT_QUERY = `query ProductsCount($query: String!) {
  productsCount(query: $query, limit: null) { count precision }
}`;

/** Every product of the filter with all its variants; `"$FILTER"` is replaced by productsBulkQuery. */
export const PRODUCTS_BULK_EXPORT_QUERY = `query ProductsBulkExport {
  products(query: "$FILTER", sortKey: UPDATED_AT) {
    edges { node {
      ${PRODUCT_FIELDS}
      variants { edges { node { __typename ${VARIANT_FIELDS} } } }
    } }
  }
}`;

export function productsBulkQuery(window: Window): string {
  return PRODUCTS_BULK_EXPORT_QUERY.replace('"$FILTER"', JSON.stringify(windowFilter(window)));
}

/** Product destructions in a window (deletionsFilter(window, 'PRODUCT')), sorted by CREATED_AT. */
export const PRODUCT_DELETIONS_QUERY = `query ProductDeletions($first: Int!, $after: String, $query: String!) {
  events(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { __typename ... on BasicEvent { subjectId subjectType action createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PRODUCTS_EXIST_QUERY = `query ProductsExist($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on Product { id } }
}`;

// ---------------------------------------------------------------- cost

/** A variant's fields are scalars: one point for the object. */
const VARIANT_COST = 1;
/** The product's own fields are scalars and a list of strings. */
const PRODUCT_OWN_FIELDS_COST = 1;

export function productNodeCost(variantsFirst: number): number {
  return PRODUCT_OWN_FIELDS_COST + connectionCost(variantsFirst, VARIANT_COST);
}

export function productsPageCost(first: number, variantsFirst: number): number {
  return connectionCost(first, productNodeCost(variantsFirst));
}

/** One ProductConnections request: the product and the variants it asks for. */
export function productConnectionsCost(firsts: { variants?: number }): number {
  return 1 + PRODUCT_OWN_FIELDS_COST + (firsts.variants === undefined ? 0 : connectionCost(firsts.variants, VARIANT_COST));
}

export function maxProductsPerRequest(variantsFirst: number): number {
  const affordable = Math.floor((MAX_SINGLE_QUERY_COST - connectionCost(0, 0)) / productNodeCost(variantsFirst));
  return Math.max(0, Math.min(MAX_CONNECTION_FIRST, affordable));
}

/** Every document of the stream, by operation name (validated against the schemas with the others). */
export const PRODUCT_DOCUMENTS: Readonly<Record<string, string>> = {
  ProductsPage: PRODUCTS_PAGE_QUERY,
  ProductConnections: PRODUCT_CONNECTIONS_QUERY,
  ProductsCount: PRODUCTS_COUNT_QUERY,
  ProductsBulkExport: PRODUCTS_BULK_EXPORT_QUERY,
  ProductDeletions: PRODUCT_DELETIONS_QUERY,
  ProductsExist: PRODUCTS_EXIST_QUERY,
};
