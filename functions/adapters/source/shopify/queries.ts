// The GraphQL documents the Shopify connector sends, the search filter of a window, and the calculated cost
// of each document (what Shopify charges before it runs one), so requests can be sized and paced.
//
// Sources (read Nov 2026):
// - orders query (first/after, sortKey UPDATED_AT, query): https://shopify.dev/docs/api/admin-graphql/latest/queries/orders
// - search syntax (`updated_at:>='…'`, date values must be quoted): https://shopify.dev/docs/api/usage/search-syntax
// - cost: scalar/enum 0, object 1, connection 2 + `first` × node, single query max 1000:
//   https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits
// - ordersCount (Count {count precision}, capped unless `limit: null`): https://shopify.dev/docs/api/admin-graphql/latest/objects/Count
import { ConfigError } from '../../../core/errors';
import type { Instant } from '../../../core/order';
import type { Window } from '../../../core/run-types';

/** Shopify refuses a single query whose requested cost is above this (MAX_COST_EXCEEDED). */
export const MAX_SINGLE_QUERY_COST = 1000;
/**
 * Shopify's own limit: `first` may not exceed 250 on any connection (orders, lineItems). Not our page maximum
 * (PAGE_SIZE_MAX, core/limits.ts), which bounds a page of the RecordSource port however many requests it takes.
 */
export const MAX_CONNECTION_FIRST = 250;

/** Connection sizes a stream's settings give (`first:` of a query): each an integer in 1..MAX_CONNECTION_FIRST. */
export function checkConnectionSizes(sizes: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(sizes)) {
    if (!Number.isInteger(value) || value < 1 || value > MAX_CONNECTION_FIRST)
      throw new ConfigError(`${name} must be an integer in 1..${MAX_CONNECTION_FIRST}, got ${value}`);
  }
}

const MONEY = 'shopMoney { amount currencyCode }';
const ADDRESS = 'countryCodeV2 country provinceCode province city zip';

/**
 * One line item: the reference contract's fields plus what revenue by product needs. originalTotalSet is the line before
 * discounts (the reference contract's price), discountedTotalSet after the line's own discounts.
 */
export const LINE_ITEM_FIELDS = `id sku title quantity variant { id } product { id } originalTotalSet { ${MONEY} } discountedTotalSet { ${MONEY} }`;

/**
 * One discount application. DiscountApplication is an interface and its value a union: `__typename` says which
 * (the mapping and the schema test both read it); the code or title lives on the concrete types.
 */
export const DISCOUNT_APPLICATION_FIELDS = `__typename allocationMethod targetType
  value { __typename ... on MoneyV2 { amount currencyCode } ... on PricingPercentageValue { percentage } }
  ... on DiscountCodeApplication { code }
  ... on AutomaticDiscountApplication { title }
  ... on ManualDiscountApplication { title }
  ... on ScriptDiscountApplication { title }`;

/** One shipping line: its price before and after shipping discounts (ShippingLine.price is deprecated). */
export const SHIPPING_LINE_FIELDS = `id title code source originalPriceSet { ${MONEY} } discountedPriceSet { ${MONEY} }`;

/**
 * The order's own fields (its connections aside), the same in the paged and the bulk query so both map through
 * one path. The `current…` totals reflect refunds, returns and edits; the others are as placed. Order.email stands
 * in for the customer's email (Customer.email is deprecated); TaxLine.priceSet replaces the deprecated price.
 */
export const ORDER_FIELDS = `id name number email createdAt updatedAt cancelledAt closed closedAt
      displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { ${MONEY} } subtotalPriceSet { ${MONEY} } totalTaxSet { ${MONEY} }
      currentTotalPriceSet { ${MONEY} } currentSubtotalPriceSet { ${MONEY} } currentTotalTaxSet { ${MONEY} }
      currentTotalDiscountsSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalRefundedSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} } currentShippingPriceSet { ${MONEY} }
      discountCodes tags note
      taxLines { title rate priceSet { ${MONEY} } }
      refunds { id createdAt totalRefundedSet { ${MONEY} } }
      billingAddress { ${ADDRESS} } shippingAddress { ${ADDRESS} }
      customer { id displayName }`;

/**
 * Discount applications and shipping lines the page query reads with each order; an order with more gets the rest by
 * OrderConnections follow-ups. Refunds and tax lines are plain lists, read whole by the page query.
 */
export const PAGED_DISCOUNT_APPLICATIONS = 5;
export const PAGED_SHIPPING_LINES = 2;

/**
 * One slice of the window, oldest change first. `sortKey: UPDATED_AT` plus a cursor is keyset paging; the
 * filter string stays the same for the whole walk (the window is fixed), so an order changed during the walk
 * moves to a later position or out of the window, never to a place the walk has passed.
 */
export const ORDERS_PAGE_QUERY = `query OrdersPage($first: Int!, $after: String, $query: String!, $lineItems: Int!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes {
      ${ORDER_FIELDS}
      lineItems(first: $lineItems) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
      discountApplications(first: ${PAGED_DISCOUNT_APPLICATIONS}) { nodes { ${DISCOUNT_APPLICATION_FIELDS} } pageInfo { hasNextPage endCursor } }
      shippingLines(first: ${PAGED_SHIPPING_LINES}) { nodes { ${SHIPPING_LINE_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The connections of an Order the connector reads to their end, by the names OrderConnections' variables use. */
export const ORDER_CONNECTIONS = ['lineItems', 'discountApplications', 'shippingLines'] as const;
export type OrderConnection = (typeof ORDER_CONNECTIONS)[number];

/**
 * One order by id: its own fields (compared with the page's node, so a change between the queries shows even when
 * `updatedAt` stays in its second) and the next slice of the connections asked for (`with…: true`), each from its
 * own cursor. With every connection from its start it reads the order again as the page query did.
 */
export const ORDER_CONNECTIONS_QUERY = `query OrderConnections($id: ID!,
  $withLineItems: Boolean!, $lineItemsFirst: Int!, $lineItemsAfter: String,
  $withDiscountApplications: Boolean!, $discountApplicationsFirst: Int!, $discountApplicationsAfter: String,
  $withShippingLines: Boolean!, $shippingLinesFirst: Int!, $shippingLinesAfter: String) {
  order(id: $id) {
    ${ORDER_FIELDS}
    lineItems(first: $lineItemsFirst, after: $lineItemsAfter) @include(if: $withLineItems) {
      nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor }
    }
    discountApplications(first: $discountApplicationsFirst, after: $discountApplicationsAfter) @include(if: $withDiscountApplications) {
      nodes { ${DISCOUNT_APPLICATION_FIELDS} } pageInfo { hasNextPage endCursor }
    }
    shippingLines(first: $shippingLinesFirst, after: $shippingLinesAfter) @include(if: $withShippingLines) {
      nodes { ${SHIPPING_LINE_FIELDS} } pageInfo { hasNextPage endCursor }
    }
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

/**
 * The shop's own time zone, the days its daily sales count in when SHOP_TIME_ZONE is not set: Shop.ianaTimezone
 * (String!, https://shopify.dev/docs/api/admin-graphql/latest/objects/Shop), no scope needed.
 */
export const SHOP_TIME_ZONE_QUERY = `query ShopTimeZone {
  shop { ianaTimezone }
}`;

// ---------------------------------------------------------------- bulk export (full resyncs)
// https://shopify.dev/docs/api/usage/bulk-operations/queries (read Dec 2026): one top-level connection, at most five
// connections nested two deep, JSONL result whose nested objects carry `__parentId`, URL valid 7 days; one bulk
// query per app and shop before 2026-01, five from 2026-01 on; bulkOperationRunQuery's groupObjects defaults to true
// before 2026-01 and to false from it (the 2026-01 release notes), so we always set it.

/** What a poll reads of a bulk operation. */
export const BULK_OPERATION_FIELDS =
  'id status errorCode createdAt completedAt objectCount rootObjectCount fileSize url partialDataUrl query';

/**
 * The bulk export's own query: every order of the filter with all its line items, discount applications and shipping
 * lines (no `first`: a bulk query reads whole connections). Children select `__typename` so a JSONL line says what it
 * is. `"$FILTER"` is replaced by the window's filter (ordersBulkQuery); the constant itself is a valid document.
 */
export const ORDERS_BULK_EXPORT_QUERY = `query OrdersBulkExport {
  orders(query: "$FILTER", sortKey: UPDATED_AT) {
    edges { node {
      ${ORDER_FIELDS}
      lineItems { edges { node { __typename ${LINE_ITEM_FIELDS} } } }
      discountApplications { edges { node { ${DISCOUNT_APPLICATION_FIELDS} } } }
      shippingLines { edges { node { __typename ${SHIPPING_LINE_FIELDS} } } }
    } }
  }
}`;

/** The bulk export query of a window: ORDERS_BULK_EXPORT_QUERY with its filter (a JSON string is a GraphQL string). */
export function ordersBulkQuery(window: Window): string {
  return ORDERS_BULK_EXPORT_QUERY.replace('"$FILTER"', JSON.stringify(windowFilter(window)));
}

/**
 * Starts the export. groupObjects: true, explicitly: the reader streams the JSONL one byte range at a time and needs
 * each order's children right after it; ungrouped, Shopify may write a child anywhere in the file.
 */
export const RUN_BULK_EXPORT_MUTATION = `mutation RunBulkExport($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { ${BULK_OPERATION_FIELDS} }
    userErrors { field message code }
  }
}`;

/** One operation by id: `node` works in every version (`bulkOperation(id:)` exists only from 2026-01). */
export const BULK_OPERATION_QUERY = `query BulkOperation($id: ID!) {
  node(id: $id) { __typename ... on BulkOperation { ${BULK_OPERATION_FIELDS} } }
}`;

/** Before 2026-01: the app's latest bulk query (deprecated in 2025-10, whose replacement bulkOperations only 2026-01 has). */
export const CURRENT_BULK_OPERATION_QUERY = `query CurrentBulkOperation {
  currentBulkOperation(type: QUERY) { ${BULK_OPERATION_FIELDS} }
}`;

/** From 2026-01: the app's bulk queries still in flight (at most five may run). */
export const RUNNING_BULK_OPERATIONS_QUERY = `query RunningBulkOperations {
  bulkOperations(first: 5, query: "operation_type:query AND (status:created OR status:running)") { nodes { ${BULK_OPERATION_FIELDS} } }
}`;

/** Whether the version has bulkOperations and five concurrent bulk queries (2026-01 and later, unstable included). */
export function hasConcurrentBulkQueries(apiVersion: string): boolean {
  return apiVersion === 'unstable' || apiVersion >= '2026-01';
}

/** Mutations cost 10 points; the bulk queries read one object or a short list. */
export const RUN_BULK_EXPORT_COST = 10;
export const BULK_OPERATION_COST = 1;
export const RUNNING_BULK_OPERATIONS_COST = 2 + 5 + 1;

// ---------------------------------------------------------------- cost

/** A MoneyBag with its shopMoney: two objects. */
const MONEY_BAG_COST = 2;
/** LineItem, variant, product, two money bags. */
const LINE_ITEM_COST = 1 + 1 + 1 + 2 * MONEY_BAG_COST;
/** DiscountApplication and its value. */
const DISCOUNT_APPLICATION_COST = 1 + 1;
/** ShippingLine and two money bags. */
const SHIPPING_LINE_COST = 1 + 2 * MONEY_BAG_COST;
/**
 * Plain lists (refunds, taxLines) are not connections and have no `first`; Shopify does not document how many
 * elements its calculated cost assumes for them. We count this many, so the estimate errs on the high side.
 */
const ASSUMED_LIST_LENGTH = 3;
/** PageInfo is an object; counting it overestimates at worst, which is the safe side. */
const PAGE_INFO_COST = 1;

/** A connection of `first` nodes of `nodeCost` each, with its pageInfo. */
export function connectionCost(first: number, nodeCost: number): number {
  return 2 + first * nodeCost + PAGE_INFO_COST;
}

/** The order's own fields: eleven money bags, tax lines and refunds (each with a money bag), two addresses, the customer. */
const ORDER_OWN_FIELDS_COST = 1 + 11 * MONEY_BAG_COST + 2 * ASSUMED_LIST_LENGTH * (1 + MONEY_BAG_COST) + 2 + 1;

/** What one node of each connection costs. */
export const CONNECTION_NODE_COST: Readonly<Record<OrderConnection, number>> = {
  lineItems: LINE_ITEM_COST,
  discountApplications: DISCOUNT_APPLICATION_COST,
  shippingLines: SHIPPING_LINE_COST,
};

/** One Order node as OrdersPage selects it: its own fields and its first line items, discount applications and shipping lines. */
export function orderNodeCost(lineItemsFirst: number): number {
  return (
    ORDER_OWN_FIELDS_COST +
    connectionCost(lineItemsFirst, LINE_ITEM_COST) +
    connectionCost(PAGED_DISCOUNT_APPLICATIONS, DISCOUNT_APPLICATION_COST) +
    connectionCost(PAGED_SHIPPING_LINES, SHIPPING_LINE_COST)
  );
}

export function ordersPageCost(first: number, lineItemsFirst: number): number {
  return connectionCost(first, orderNodeCost(lineItemsFirst));
}

/** One OrderConnections request: the order's own fields and the connections it includes, `first` nodes each. */
export function orderConnectionsCost(firsts: Partial<Record<OrderConnection, number>>): number {
  return (
    1 +
    ORDER_OWN_FIELDS_COST +
    ORDER_CONNECTIONS.reduce(
      (sum, name) => sum + (firsts[name] === undefined ? 0 : connectionCost(firsts[name], CONNECTION_NODE_COST[name])),
      0,
    )
  );
}

export const ORDERS_COUNT_COST = 1;
export const ACCESS_SCOPES_COST = 2;
/** `shop` is one object (1), `ianaTimezone` a scalar (0). */
export const SHOP_TIME_ZONE_COST = 1;

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

// ---------------------------------------------------------------- deletions

/**
 * Orders deleted in a window: the events Shopify records when an order is destroyed (subject type ORDER, action
 * `destroy`, BasicEvent's general actions). `deletionEvents` covers only products and collections. Events are kept a
 * year; sorted by CREATED_AT, ties by id.
 */
export const ORDER_DELETIONS_QUERY = `query OrderDeletions($first: Int!, $after: String, $query: String!) {
  events(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { __typename ... on BasicEvent { subjectId subjectType action createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Which orders still exist (reconciliation after a full resync): a deleted or unknown id answers null. */
export const ORDERS_EXIST_QUERY = `query OrdersExist($ids: [ID!]!) {
  nodes(ids: $ids) { __typename ... on Order { id } }
}`;

/** A connection of `first` events (2 for the connection, 1 a node). */
export function deletionEventsCost(first: number): number {
  return 2 + first;
}

/** One point a node asked for, one for the query. */
export function existCheckCost(ids: number): number {
  return 1 + ids;
}

/**
 * `subject_type:ORDER AND action:destroy AND created_at:>='from' AND created_at:<'to'`: the run's window on deletions
 * (of orders, or of the stream whose EventSubjectType is given).
 */
export function deletionsFilter(window: Window, subjectType: 'ORDER' | 'PRODUCT' = 'ORDER'): string {
  const upper = `created_at:<'${shopifyDateTime(window.to)}'`;
  const bounds = window.from === null ? upper : `created_at:>='${shopifyDateTime(window.from)}' AND ${upper}`;
  return `subject_type:${subjectType} AND action:destroy AND ${bounds}`;
}

// ---------------------------------------------------------------- the documents, for the schema test

/**
 * Every document the connector sends, by operation name: `npm test` validates each against the real Admin API schema
 * of every supported version (test/unit/shopify-documents.test.ts), and fails on an exported document missing here.
 */
export const SHOPIFY_DOCUMENTS: Readonly<Record<string, string>> = {
  OrdersPage: ORDERS_PAGE_QUERY,
  OrderConnections: ORDER_CONNECTIONS_QUERY,
  OrdersCount: ORDERS_COUNT_QUERY,
  AccessScopes: ACCESS_SCOPES_QUERY,
  ShopTimeZone: SHOP_TIME_ZONE_QUERY,
  OrdersBulkExport: ORDERS_BULK_EXPORT_QUERY,
  RunBulkExport: RUN_BULK_EXPORT_MUTATION,
  BulkOperation: BULK_OPERATION_QUERY,
  CurrentBulkOperation: CURRENT_BULK_OPERATION_QUERY,
  RunningBulkOperations: RUNNING_BULK_OPERATIONS_QUERY,
  OrderDeletions: ORDER_DELETIONS_QUERY,
  OrdersExist: ORDERS_EXIST_QUERY,
};

/**
 * Where a document is not for every supported version: the versions it is sent to, and a deprecation the schema test
 * accepts because that version has no replacement yet. The connector picks by hasConcurrentBulkQueries.
 */
export const DOCUMENT_VERSIONS: Readonly<
  Record<string, { sentTo: 'before-2026-01' | 'from-2026-01'; allowDeprecated?: readonly string[] }>
> = {
  CurrentBulkOperation: { sentTo: 'before-2026-01', allowDeprecated: ['QueryRoot.currentBulkOperation'] },
  RunningBulkOperations: { sentTo: 'from-2026-01' },
};
