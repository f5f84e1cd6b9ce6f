// Turns an order of the fake orders API (docs/source-contract.md shape) into a Shopify GraphQL Admin Order node, as the
// connector's documents select it: gid ids, display enums, MoneyBags with shopMoney, UTC DateTimes.
// Field shapes follow https://shopify.dev/docs/api/admin-graphql/latest/objects/Order and objects/LineItem.
import { shopifyDateTime } from '../../../functions/adapters/source/shopify/queries';
import { isInstantString, toInstant } from '../../../functions/core/instant';

type Fields = Record<string, unknown>;

const FINANCIAL: Readonly<Record<string, string>> = {
  pending: 'PENDING',
  authorized: 'AUTHORIZED',
  paid: 'PAID',
  partially_refunded: 'PARTIALLY_REFUNDED',
  refunded: 'REFUNDED',
  voided: 'VOIDED',
};

/** `ord_0000123` → `gid://shopify/Order/123`. */
export function orderGid(referenceId: string): string {
  return `gid://shopify/Order/${Number(referenceId.slice(4))}`;
}

/** `gid://shopify/Order/123` → `ord_0000123`, or null for anything else. */
export function referenceIdOf(gid: unknown): string | null {
  const match = typeof gid === 'string' ? /^gid:\/\/shopify\/Order\/(\d+)$/.exec(gid) : null;
  return match ? `ord_${match[1]!.padStart(7, '0')}` : null;
}

/** Opaque cursors: base64url JSON, as Shopify's look (opaque strings). */
export function opaque(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function unwrap(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function dateTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // A timestamp broken on purpose (corruptOrder, the quarantine tests) is served as it is, as a broken shop would.
  return isInstantString(value) ? shopifyDateTime(toInstant(value)) : value;
}

function moneyBag(amount: unknown, currencyCode: unknown): Fields {
  return { shopMoney: { amount, currencyCode } };
}

/** Every line item of the order as LineItem nodes (`li_12_3` → `gid://shopify/LineItem/12003`). */
export function lineItemNodes(order: Fields): Fields[] {
  const items = Array.isArray(order.line_items) ? (order.line_items as Fields[]) : [];
  return items.map((item) => {
    const [, orderNumber, line] = /^li_(\d+)_(\d+)$/.exec(String(item.id)) ?? [];
    return {
      id: `gid://shopify/LineItem/${Number(orderNumber) * 1000 + Number(line)}`,
      sku: item.sku,
      title: item.title,
      quantity: item.quantity,
      originalTotalSet: moneyBag(item.price, order.currency),
    };
  });
}

/** A slice of line items as a connection: `after` is the index to start at, cursors are opaque indices. */
export function lineItemsConnection(all: readonly Fields[], first: number, after: number): Fields {
  const nodes = all.slice(after, after + first);
  const next = after + nodes.length;
  return { nodes, pageInfo: { hasNextPage: next < all.length, endCursor: nodes.length > 0 ? opaque({ li: next }) : null } };
}

/** The Order node of a fake-orders-API order, with its first `lineItemsFirst` line items. */
export function orderNode(order: Fields, lineItemsFirst: number): Fields {
  const customer = order.customer as Fields | null;
  const closed = order.status === 'closed' || order.status === 'cancelled';
  return {
    id: orderGid(String(order.id)),
    name: `#${String(order.order_number)}`,
    number: order.order_number,
    email: customer?.email ?? null,
    createdAt: dateTime(order.created_at),
    updatedAt: dateTime(order.updated_at),
    cancelledAt: dateTime(order.cancelled_at),
    // Cancelled orders are archived (closed) too, as Shopify does by default.
    closed,
    closedAt: closed ? dateTime(order.updated_at) : null,
    displayFinancialStatus: FINANCIAL[String(order.financial_status)] ?? null,
    displayFulfillmentStatus: order.fulfillment_status === 'fulfilled' ? 'FULFILLED' : order.fulfillment_status === 'partial' ? 'PARTIALLY_FULFILLED' : 'UNFULFILLED',
    totalPriceSet: moneyBag(order.total_price, order.currency),
    subtotalPriceSet: moneyBag(order.subtotal_price, order.currency),
    totalTaxSet: moneyBag(order.total_tax, order.currency),
    // Customer.displayName is non-null: the name, else (as Shopify falls back) the email, else empty.
    customer: customer
      ? { id: `gid://shopify/Customer/${String(customer.id).replace(/^cus_/, '')}`, displayName: customer.name ?? customer.email ?? '' }
      : null,
    lineItems: lineItemsConnection(lineItemNodes(order), lineItemsFirst, 0),
  };
}
