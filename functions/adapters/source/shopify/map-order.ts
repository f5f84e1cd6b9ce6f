// Maps one Shopify Order node (as ORDERS_PAGE_QUERY selects it, line items complete) onto the docs/source-contract.md
// order shape and validates it with the core's validateOrder, so every connector obeys the same rules.
//
// Field meanings: https://shopify.dev/docs/api/admin-graphql/latest/objects/Order,
// https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderDisplayFinancialStatus,
// https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderDisplayFulfillmentStatus,
// https://shopify.dev/docs/api/admin-graphql/latest/objects/LineItem (Decimal amounts are strings: kept as sent).
import { InvalidOrderError } from '../../../core/errors';
import type { FinancialStatus, FulfillmentStatus, Order } from '../../../core/order';
import { validateOrder } from '../../../core/validate-order';

type Fields = Record<string, unknown>;

/**
 * displayFinancialStatus → ours. Two Shopify values have no twin in docs/source-contract.md:
 * PARTIALLY_PAID (some money captured, the rest still owed) reads as `pending`: the order is not paid;
 * EXPIRED (an authorization lapsed uncaptured: no money moved) reads as `voided`, like a cancelled authorization.
 * Anything else, null included, fails the order: a status we cannot place is not guessed.
 */
export const FINANCIAL_STATUS: Readonly<Record<string, FinancialStatus>> = {
  PENDING: 'pending',
  AUTHORIZED: 'authorized',
  PARTIALLY_PAID: 'pending',
  PAID: 'paid',
  PARTIALLY_REFUNDED: 'partially_refunded',
  REFUNDED: 'refunded',
  VOIDED: 'voided',
  EXPIRED: 'voided',
};

/**
 * displayFulfillmentStatus → ours: only what has shipped counts. IN_PROGRESS, PENDING_FULFILLMENT, ON_HOLD,
 * SCHEDULED, REQUEST_DECLINED (requests, not shipments), RESTOCKED, OPEN, UNFULFILLED and
 * FULFILLMENT_NOT_REQUIRED (nothing shipped) are all `null`. Unknown values fail the order.
 */
export const FULFILLMENT_STATUS: Readonly<Record<string, FulfillmentStatus>> = {
  FULFILLED: 'fulfilled',
  PARTIALLY_FULFILLED: 'partial',
  UNFULFILLED: null,
  OPEN: null,
  RESTOCKED: null,
  IN_PROGRESS: null,
  PENDING_FULFILLMENT: null,
  ON_HOLD: null,
  SCHEDULED: null,
  REQUEST_DECLINED: null,
  FULFILLMENT_NOT_REQUIRED: null,
};

/** docs/source-contract.md field paths → the Shopify field they come from, so errors name what Shopify sent. */
const SOURCE_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/^order_number$/, 'number'],
  [/^status$/, 'closed'],
  [/^financial_status$/, 'displayFinancialStatus'],
  [/^fulfillment_status$/, 'displayFulfillmentStatus'],
  [/^currency$/, 'totalPriceSet.shopMoney.currencyCode'],
  [/^total_price$/, 'totalPriceSet.shopMoney.amount'],
  [/^subtotal_price$/, 'subtotalPriceSet.shopMoney.amount'],
  [/^total_tax$/, 'totalTaxSet.shopMoney.amount'],
  [/^customer\.name$/, 'customer.displayName'],
  [/^customer\.email$/, 'email'],
  [/^line_items$/, 'lineItems.nodes'],
  [/^line_items\[(\d+)\]\.price$/, 'lineItems.nodes[$1].originalTotalSet.shopMoney.amount'],
  [/^line_items\[(\d+)\]\./, 'lineItems.nodes[$1].'],
  [/^created_at$/, 'createdAt'],
  [/^updated_at$/, 'updatedAt'],
  [/^cancelled_at$/, 'cancelledAt'],
];

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sourceField(field: string): string {
  for (const [pattern, replacement] of SOURCE_FIELDS) if (pattern.test(field)) return field.replace(pattern, replacement);
  return field;
}

/** A MoneyBag's shop-currency amount and currency (undefined when absent: validateOrder names the field). */
function shopMoney(bag: unknown): { amount: unknown; currencyCode: unknown } {
  const money = isFields(bag) && isFields(bag.shopMoney) ? bag.shopMoney : {};
  return { amount: money.amount, currencyCode: money.currencyCode };
}

function statusOf(id: string, node: Fields): string | undefined {
  // A cancelled order is usually also closed (archived): cancellation is what the dashboard must show.
  if (node.cancelledAt !== null && node.cancelledAt !== undefined) return 'cancelled';
  if (node.closed === true) return 'closed';
  if (node.closed === false) return 'open';
  throw new InvalidOrderError(id, 'closed', `must be a boolean, got ${JSON.stringify(node.closed) ?? 'nothing'}`);
}

function mapped<T>(id: string, field: string, table: Readonly<Record<string, T>>, value: unknown): T {
  if (typeof value === 'string' && Object.hasOwn(table, value)) return table[value] as T;
  throw new InvalidOrderError(
    id,
    field,
    `has no mapping for ${JSON.stringify(value) ?? 'nothing'} (known: ${Object.keys(table).join(', ')}; see map-order.ts)`,
  );
}

/** The reference-shaped record (docs/source-contract.md "Order") of a Shopify Order node; throws InvalidOrderError on what cannot map. */
export function toOrdersApiShape(node: unknown): Fields {
  if (!isFields(node)) throw new InvalidOrderError('', '(order)', 'must be an object');
  const id = typeof node.id === 'string' ? node.id : '';
  if (id === '') throw new InvalidOrderError('', 'id', 'must be a non-empty string (a gid://shopify/Order/… id)');
  const total = shopMoney(node.totalPriceSet);
  const currency = total.currencyCode;
  const inOrderCurrency = (bag: unknown, field: string): unknown => {
    const money = shopMoney(bag);
    if (money.amount !== undefined && money.currencyCode !== currency) {
      throw new InvalidOrderError(id, field, `is in ${String(money.currencyCode)}, the order total in ${String(currency)}: shop money must share one currency`);
    }
    return money.amount;
  };
  const lineItems = isFields(node.lineItems) ? node.lineItems.nodes : undefined;
  const customer = node.customer;
  return {
    id,
    order_number: node.number,
    status: statusOf(id, node),
    financial_status: mapped(id, 'displayFinancialStatus', FINANCIAL_STATUS, node.displayFinancialStatus),
    fulfillment_status: mapped(id, 'displayFulfillmentStatus', FULFILLMENT_STATUS, node.displayFulfillmentStatus),
    currency,
    total_price: total.amount,
    subtotal_price: inOrderCurrency(node.subtotalPriceSet, 'subtotalPriceSet.shopMoney.currencyCode'),
    total_tax: inOrderCurrency(node.totalTaxSet, 'totalTaxSet.shopMoney.currencyCode'),
    customer: isFields(customer)
      ? { id: customer.id, email: node.email ?? null, name: customer.displayName === '' ? null : (customer.displayName ?? null) }
      : customer,
    line_items: Array.isArray(lineItems)
      ? lineItems.map((item: unknown, i) =>
          isFields(item)
            ? {
                id: item.id,
                sku: item.sku === '' ? null : item.sku,
                title: item.title,
                quantity: item.quantity,
                // originalTotalSet: unit price × quantity before discounts, the line's total as docs/source-contract.md's price.
                price: inOrderCurrency(item.originalTotalSet, `lineItems.nodes[${i}].originalTotalSet.shopMoney.currencyCode`),
              }
            : item,
        )
      : lineItems,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    cancelled_at: node.cancelledAt,
  };
}

/** The validated Order of a Shopify node; `raw` is the node itself. Errors name the Shopify field. */
export function mapShopifyOrder(node: unknown): Order {
  const shape = toOrdersApiShape(node);
  try {
    return { ...validateOrder(shape), raw: node as Fields };
  } catch (error) {
    if (!(error instanceof InvalidOrderError)) throw error;
    const prefix = `order ${error.orderId || '(no id)'}: field "${error.field}" `;
    const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw new InvalidOrderError(error.orderId, sourceField(error.field), problem);
  }
}
