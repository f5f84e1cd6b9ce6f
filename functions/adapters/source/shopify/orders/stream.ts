// The orders stream on Shopify: its documents (../queries.ts), the order's connections read to their end, the scopes
// it needs (read_all_orders above all: without it Shopify hides old orders silently) and the mapping (../map-order.ts).
import { ConfigError, SourceAuthError } from '../../../../core/errors';
import type { Order } from '../../../../core/order';
import { mapShopifyOrder } from '../map-order';
import {
  checkConnectionSizes,
  maxOrdersPerRequest,
  ORDER_CONNECTIONS,
  ORDER_CONNECTIONS_QUERY,
  ORDER_DELETIONS_QUERY,
  orderConnectionsCost,
  ordersBulkQuery,
  ORDERS_COUNT_COST,
  ORDERS_COUNT_QUERY,
  ORDERS_EXIST_QUERY,
  ORDERS_PAGE_QUERY,
  ordersPageCost,
  PAGED_DISCOUNT_APPLICATIONS,
  PAGED_SHIPPING_LINES,
} from '../queries';
import { SCOPE_FIX, type ShopifyStream } from '../shopify-stream';

export interface ShopifyOrdersSettings {
  /** Line items fetched with each order in the page query (default 5: most orders have fewer, and each costs 7 points of every order's requested cost). */
  lineItemsPerOrder?: number;
  /** Line items per follow-up query (default 100). */
  lineItemsPerRequest?: number;
}

/** Discount applications or shipping lines per follow-up query (100 shipping lines cost 503 points, under the 1000 a query may). */
const FOLLOW_UP_FIRST = 100;

/**
 * read_orders to see orders at all, and read_all_orders because without it Shopify hides orders created more than 60
 * days ago *silently*: an old order that changes today would be missing from every window.
 */
function checkOrderScopes(granted: ReadonlySet<string>): void {
  if (!granted.has('read_orders') && !granted.has('write_orders')) {
    throw new SourceAuthError(`the Shopify token lacks the read_orders scope, needed to read orders at all: ${SCOPE_FIX}`);
  }
  if (!granted.has('read_all_orders')) {
    throw new SourceAuthError(
      `the Shopify token lacks the read_all_orders scope: without it Shopify silently hides orders created more than 60 days ago, ` +
        `so the copy would miss them (and every change to them); request "Read all orders" access for the app, then ${SCOPE_FIX}`,
    );
  }
}

/** A bulk child line's place in the order node, by its __typename. */
function orderChildField(typename: unknown): string | null {
  if (typename === 'LineItem') return 'lineItems';
  if (typename === 'ShippingLine') return 'shippingLines';
  // DiscountCodeApplication, AutomaticDiscountApplication, ...: the concrete types of the DiscountApplication interface.
  if (typeof typename === 'string' && typename.endsWith('Application')) return 'discountApplications';
  return null;
}

export function shopifyOrdersStream(settings: ShopifyOrdersSettings = {}): ShopifyStream<Order> {
  const lineItemsPerOrder = settings.lineItemsPerOrder ?? 5;
  const lineItemsPerRequest = settings.lineItemsPerRequest ?? 100;
  checkConnectionSizes({ lineItemsPerOrder, lineItemsPerRequest });
  const maxPerRequest = maxOrdersPerRequest(lineItemsPerOrder);
  if (maxPerRequest < 1) throw new ConfigError(`lineItemsPerOrder ${lineItemsPerOrder} makes one order cost more than a query may`);
  return {
    name: 'orders',
    noun: 'order',
    checkScopes: checkOrderScopes,
    scopes: 'read_orders, read_all_orders',
    page: {
      operation: 'OrdersPage',
      document: ORDERS_PAGE_QUERY,
      root: 'orders',
      variables: { lineItems: lineItemsPerOrder },
      cost: (first) => ordersPageCost(first, lineItemsPerOrder),
      maxPerRequest,
      costHint: 'lower lineItemsPerOrder',
    },
    connections: {
      operation: 'OrderConnections',
      document: ORDER_CONNECTIONS_QUERY,
      single: 'order',
      names: ORDER_CONNECTIONS,
      pageFirsts: { lineItems: lineItemsPerOrder, discountApplications: PAGED_DISCOUNT_APPLICATIONS, shippingLines: PAGED_SHIPPING_LINES },
      followUpFirsts: { lineItems: lineItemsPerRequest, discountApplications: FOLLOW_UP_FIRST, shippingLines: FOLLOW_UP_FIRST },
      cost: (firsts) => orderConnectionsCost(firsts),
    },
    count: { operation: 'OrdersCount', document: ORDERS_COUNT_QUERY, root: 'ordersCount', cost: ORDERS_COUNT_COST },
    bulk: {
      query: ordersBulkQuery,
      childField: orderChildField,
      connections: ORDER_CONNECTIONS,
      // Line items and shipping lines carry __typename only to say what they are; the paged query's have none.
      typedChildren: ['discountApplications'],
    },
    deletionFeed: { operation: 'OrderDeletions', document: ORDER_DELETIONS_QUERY, subjectType: 'ORDER' },
    exist: { operation: 'OrdersExist', document: ORDERS_EXIST_QUERY, typename: 'Order' },
    map: mapShopifyOrder,
  };
}
