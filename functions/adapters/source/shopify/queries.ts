// The GraphQL documents the Shopify connector sends, the search filter of a window, and the calculated cost
// of each document (what Shopify charges before it runs one), so requests can be sized and paced.
//
// Sources (read Nov 2026):
// - orders query (first/after, sortKey UPDATED_AT, query): https://shopify.dev/docs/api/admin-graphql/latest/queries/orders
// - search syntax (`updated_at:>='…'`, date values must be quoted): https://shopify.dev/docs/api/usage/search-syntax
// - cost: scalar/enum 0, object 1, connection 2 + `first` × node, single query max 1000:
//   https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
// - ordersCount (Count {count precision}, capped unless `limit: null`): https://shopify.dev/docs/api/admin-graphql/latest/objects/Count
import type { Instant } from '../../../core/order';
import type { Window } from '../../../core/run-types';

/** Shopify refuses a single query whose requested cost is above this (MAX_COST_EXCEEDED). */
export const MAX_SINGLE_QUERY_COST = 1000;
/**
 * Shopify's own limit: `first` may not exceed 250 on any connection (orders, lineItems). Not our page maximum
 * (PAGE_SIZE_MAX, core/limits.ts), which bounds a page of the OrderSource port however many requests it takes.
 */
export const MAX_CONNECTION_FIRST = 250;

const MONEY = 'shopMoney { amount currencyCode }';
const LINE_ITEM_FIELDS = `id sku title quantity originalTotalSet { ${MONEY} }`;

/**
 * One slice of the window, oldest change first. `sortKey: UPDATED_AT` plus a cursor is keyset paging; the
 * filter string stays the same for the whole walk (the window is fixed), so an order changed during the walk
 * moves to a later position or out of the window, never to a place the walk has passed.
 * Order.email stands in for the customer's email: Customer.email is deprecated in recent versions.
 */
export const ORDERS_PAGE_QUERY = `query OrdersPage($first: Int!, $after: String, $query: String!, $lineItems: Int!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      id name number email createdAt updatedAt cancelledAt closed closedAt
      displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { ${MONEY} }
      subtotalPriceSet { ${MONEY} }
      totalTaxSet { ${MONEY} }
      customer { id displayName }
      lineItems(first: $lineItems) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The rest of one order's line items, when it has more than the page query asked for; updatedAt tells whether it changed meanwhile. */
export const ORDER_LINE_ITEMS_QUERY = `query OrderLineItems($id: ID!, $first: Int!, $after: String) {
  order(id: $id) {
    id updatedAt
    lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
  }
}`;

/** `limit: null` lifts the default cap of 10,000 (a capped count comes back with precision AT_LEAST). */
export const ORDERS_COUNT_QUERY = `query OrdersCount($query: String!) {
  ordersCount(query: $query, limit: null) { count precision }
}`;

/** The scopes the token was granted: checked once, so a missing scope fails with its name before any page. */
export const ACCESS_SCOPES_QUERY = `query AccessScopes {
  currentAppInstallation { accessScopes { handle } }
}`;

// ---------------------------------------------------------------- cost

/** A MoneyBag with its shopMoney: two objects. */
const MONEY_BAG_COST = 2;
/** LineItem + originalTotalSet. */
const LINE_ITEM_COST = 1 + MONEY_BAG_COST;
/** PageInfo is an object; counting it overestimates at worst, which is the safe side. */
const PAGE_INFO_COST = 1;

function connectionCost(first: number, nodeCost: number): number {
  return 2 + first * nodeCost + PAGE_INFO_COST;
}

/** One Order node as OrdersPage selects it: the order, three money bags, the customer, its first line items. */
export function orderNodeCost(lineItemsFirst: number): number {
  return 1 + 3 * MONEY_BAG_COST + 1 + connectionCost(lineItemsFirst, LINE_ITEM_COST);
}

export function ordersPageCost(first: number, lineItemsFirst: number): number {
  return connectionCost(first, orderNodeCost(lineItemsFirst));
}

export function orderLineItemsCost(first: number): number {
  return 1 + connectionCost(first, LINE_ITEM_COST);
}

export const ORDERS_COUNT_COST = 1;
export const ACCESS_SCOPES_COST = 2;

/** The most orders one OrdersPage request can ask for while staying under the single-query cost limit. */
export function maxOrdersPerRequest(lineItemsFirst: number): number {
  const affordable = Math.floor((MAX_SINGLE_QUERY_COST - connectionCost(0, 0)) / orderNodeCost(lineItemsFirst));
  return Math.max(0, Math.min(MAX_CONNECTION_FIRST, affordable));
}

// ---------------------------------------------------------------- the window as a search filter

/**
 * An Instant in the form Shopify's DateTime writes (`2025-01-15T10:31:07Z`), keeping any sub-second digits
 * (trailing zeros dropped) so the filter bound is the window's bound exactly. The docs do not say whether
 * the search compares below the second; if it truncates, the next run's overlap covers the difference.
 */
export function shopifyDateTime(instant: Instant): string {
  const fraction = instant.slice(20, 26).replace(/0+$/, '');
  return `${instant.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/** `updated_at:>='from' AND updated_at:<'to'`: the window's inclusive lower and exclusive upper bound. */
export function windowFilter(window: Window): string {
  const upper = `updated_at:<'${shopifyDateTime(window.to)}'`;
  return window.from === null ? upper : `updated_at:>='${shopifyDateTime(window.from)}' AND ${upper}`;
}
