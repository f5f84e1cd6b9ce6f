// The GraphQL documents of the customers stream on Shopify and what each costs: the paged walk of a window (customers
// by UPDATED_AT), the count, the bulk export of a full resync, and `nodes(ids:)` for reconciliation.
//
// No deletion feed: the schema's `deletionEvents` lists products and collections only (and is deprecated), and the
// customer actions Shopify documents for `events` include no destroy, so a deleted customer is found by
// reconciliation's existence check after a full resync (docs/source-contract.md, "Shopify: products and customers").
//
// Sources (read Dec 2026, and the vendored 2025-10 and 2026-10 schemas): queries/customers (sortKey UPDATED_AT, the
// `updated_at` filter), objects/Customer: `email`, `ordersCount` and `totalSpent` are deprecated for
// defaultEmailAddress.emailAddress, numberOfOrders (UnsignedInt64, a string on the wire) and amountSpent (MoneyV2).
import type { Window } from '../../../../core/run-types';
import { connectionCost, MAX_CONNECTION_FIRST, MAX_SINGLE_QUERY_COST, windowFilter } from '../queries';

export const CUSTOMER_FIELDS =
  'id firstName lastName state tags numberOfOrders amountSpent { amount currencyCode } defaultEmailAddress { emailAddress } createdAt updatedAt';

/** One slice of the window, oldest change first. A customer has no connection the contract needs: no follow-ups. */
export const CUSTOMERS_PAGE_QUERY = `query CustomersPage($first: Int!, $after: String, $query: String!) {
  customers(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { ${CUSTOMER_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CUSTOMERS_COUNT_QUERY = `query CustomersCount($query: String!) {
  customersCount(query: $query, limit: null) { count precision }
}`;

export const CUSTOMERS_BULK_EXPORT_QUERY = `query CustomersBulkExport {
  customers(query: "$FILTER", sortKey: UPDATED_AT) {
    edges { node { ${CUSTOMER_FIELDS} } }
  }
}`;

export function customersBulkQuery(window: Window): string {
  return CUSTOMERS_BULK_EXPORT_QUERY.replace('"$FILTER"', JSON.stringify(windowFilter(window)));
}

export const CUSTOMERS_EXIST_QUERY = `query CustomersExist($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on Customer { id } }
}`;

/** The customer, its money and its email address: three objects. */
export const CUSTOMER_NODE_COST = 3;

export function customersPageCost(first: number): number {
  return connectionCost(first, CUSTOMER_NODE_COST);
}

export const MAX_CUSTOMERS_PER_REQUEST = Math.min(
  MAX_CONNECTION_FIRST,
  Math.floor((MAX_SINGLE_QUERY_COST - connectionCost(0, 0)) / CUSTOMER_NODE_COST),
);

export const CUSTOMER_DOCUMENTS: Readonly<Record<string, string>> = {
  CustomersPage: CUSTOMERS_PAGE_QUERY,
  CustomersCount: CUSTOMERS_COUNT_QUERY,
  CustomersBulkExport: CUSTOMERS_BULK_EXPORT_QUERY,
  CustomersExist: CUSTOMERS_EXIST_QUERY,
};
