// Maps one Shopify Order node (ORDER_FIELDS and its connections, as the paged query selects them or the bulk
// export reassembles them) onto the docs/source-contract.md order shape plus `details`, and validates it with the core's
// validator, so every connector obeys the same rules.
//
// Field meanings: https://shopify.dev/docs/api/admin-graphql/latest/objects/Order,
// https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderDisplayFinancialStatus,
// https://shopify.dev/docs/api/admin-graphql/latest/enums/OrderDisplayFulfillmentStatus,
// https://shopify.dev/docs/api/admin-graphql/latest/objects/LineItem (Decimal amounts are strings: kept as sent).
import { InvalidOrderError } from '../../../core/errors';
import type { FinancialStatus, FulfillmentStatus, Order } from '../../../core/order';
import { validateSourceOrder } from '../../../core/validate-order';

type Fields = Record<string, unknown>;

/**
 * displayFinancialStatus → ours. Two Shopify values have no twin in docs/source-contract.md:
 * PARTIALLY_PAID (some money captured, the rest still owed) reads as `pending`: the order is not paid;
 * EXPIRED (an authorization lapsed uncaptured: no money moved) reads as `voided`, like a cancelled authorization.
 * null (the schema allows it: Shopify shows no payment status, e.g. an order with nothing to pay) is kept as null,
 * "no financial status", not guessed into one. Any other value fails the order.
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
  [/^total_discounts$/, 'totalDiscountsSet.shopMoney.amount'],
  [/^total_shipping$/, 'totalShippingPriceSet.shopMoney.amount'],
  [/^refunds\[(\d+)\]\.amount$/, 'refunds[$1].totalRefundedSet.shopMoney.amount'],
  [/^refunds\[(\d+)\]\.created_at$/, 'refunds[$1].createdAt'],
  [/^customer\.name$/, 'customer.displayName'],
  [/^customer\.email$/, 'email'],
  [/^line_items$/, 'lineItems.nodes'],
  [/^line_items\[(\d+)\]\.price$/, 'lineItems.nodes[$1].originalTotalSet.shopMoney.amount'],
  [/^line_items\[(\d+)\]\.discounted_total$/, 'lineItems.nodes[$1].discountedTotalSet.shopMoney.amount'],
  [/^line_items\[(\d+)\]\.variant_id$/, 'lineItems.nodes[$1].variant.id'],
  [/^line_items\[(\d+)\]\.product_id$/, 'lineItems.nodes[$1].product.id'],
  [/^line_items\[(\d+)\]\./, 'lineItems.nodes[$1].'],
  [/^created_at$/, 'createdAt'],
  [/^updated_at$/, 'updatedAt'],
  [/^cancelled_at$/, 'cancelledAt'],
  [/^details\.current_total_price$/, 'currentTotalPriceSet.shopMoney.amount'],
  [/^details\.current_subtotal_price$/, 'currentSubtotalPriceSet.shopMoney.amount'],
  [/^details\.current_total_tax$/, 'currentTotalTaxSet.shopMoney.amount'],
  [/^details\.current_total_discounts$/, 'currentTotalDiscountsSet.shopMoney.amount'],
  [/^details\.total_discounts$/, 'totalDiscountsSet.shopMoney.amount'],
  [/^details\.total_refunded$/, 'totalRefundedSet.shopMoney.amount'],
  [/^details\.total_shipping$/, 'totalShippingPriceSet.shopMoney.amount'],
  [/^details\.current_total_shipping$/, 'currentShippingPriceSet.shopMoney.amount'],
  [/^details\.refunds\[(\d+)\]\.amount$/, 'refunds[$1].totalRefundedSet.shopMoney.amount'],
  [/^details\.refunds\[(\d+)\]\.created_at$/, 'refunds[$1].createdAt'],
  [/^details\.refunds/, 'refunds'],
  [/^details\.discount_codes/, 'discountCodes'],
  [/^details\.discount_applications\[(\d+)\]\.amount$/, 'discountApplications.nodes[$1].value.amount'],
  [/^details\.discount_applications\[(\d+)\]\.percentage$/, 'discountApplications.nodes[$1].value.percentage'],
  [/^details\.discount_applications\[(\d+)\]\.allocation_method$/, 'discountApplications.nodes[$1].allocationMethod'],
  [/^details\.discount_applications\[(\d+)\]\.target_type$/, 'discountApplications.nodes[$1].targetType'],
  [/^details\.discount_applications\[(\d+)\]\.kind$/, 'discountApplications.nodes[$1].__typename'],
  [/^details\.discount_applications/, 'discountApplications.nodes'],
  [/^details\.shipping_lines\[(\d+)\]\.price$/, 'shippingLines.nodes[$1].originalPriceSet.shopMoney.amount'],
  [/^details\.shipping_lines\[(\d+)\]\.discounted_price$/, 'shippingLines.nodes[$1].discountedPriceSet.shopMoney.amount'],
  [/^details\.shipping_lines/, 'shippingLines.nodes'],
  [/^details\.tax_lines\[(\d+)\]\.price$/, 'taxLines[$1].priceSet.shopMoney.amount'],
  [/^details\.tax_lines/, 'taxLines'],
  [/^details\.billing_address\.country_code$/, 'billingAddress.countryCodeV2'],
  [/^details\.billing_address\.province_code$/, 'billingAddress.provinceCode'],
  [/^details\.billing_address/, 'billingAddress'],
  [/^details\.shipping_address\.country_code$/, 'shippingAddress.countryCodeV2'],
  [/^details\.shipping_address\.province_code$/, 'shippingAddress.provinceCode'],
  [/^details\.shipping_address/, 'shippingAddress'],
  [/^details\./, ''],
];

/** DiscountApplication's concrete types → our kind. */
const DISCOUNT_KIND: Readonly<Record<string, string>> = {
  DiscountCodeApplication: 'code',
  AutomaticDiscountApplication: 'automatic',
  ManualDiscountApplication: 'manual',
  ScriptDiscountApplication: 'script',
};

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
      throw new InvalidOrderError(
        id,
        field,
        `is in ${String(money.currencyCode)}, the order total in ${String(currency)}: shop money must share one currency`,
      );
    }
    return money.amount;
  };
  const lineItems = isFields(node.lineItems) ? node.lineItems.nodes : undefined;
  const customer = node.customer;
  const list = (value: unknown): unknown => (Array.isArray(value) ? value.map((item) => (isFields(item) ? item : {})) : value);
  // The connector reads every connection to its end (follow-up queries, or the bulk export): its nodes are the whole list.
  const nodesOf = (field: string): unknown => {
    const connection = node[field];
    return isFields(connection) ? connection.nodes : connection;
  };
  const address = (value: unknown): unknown =>
    isFields(value)
      ? {
          country_code: value.countryCodeV2,
          country: value.country,
          province_code: value.provinceCode,
          province: value.province,
          city: value.city,
          zip: value.zip,
        }
      : value;
  const discountApplications = nodesOf('discountApplications');
  const shippingLines = nodesOf('shippingLines');
  const details = {
    current_total_price: inOrderCurrency(node.currentTotalPriceSet, 'currentTotalPriceSet.shopMoney.currencyCode'),
    current_subtotal_price: inOrderCurrency(node.currentSubtotalPriceSet, 'currentSubtotalPriceSet.shopMoney.currencyCode'),
    current_total_tax: inOrderCurrency(node.currentTotalTaxSet, 'currentTotalTaxSet.shopMoney.currencyCode'),
    current_total_discounts: inOrderCurrency(node.currentTotalDiscountsSet, 'currentTotalDiscountsSet.shopMoney.currencyCode'),
    total_discounts:
      node.totalDiscountsSet === null ? null : inOrderCurrency(node.totalDiscountsSet, 'totalDiscountsSet.shopMoney.currencyCode'),
    total_refunded: inOrderCurrency(node.totalRefundedSet, 'totalRefundedSet.shopMoney.currencyCode'),
    total_shipping: inOrderCurrency(node.totalShippingPriceSet, 'totalShippingPriceSet.shopMoney.currencyCode'),
    current_total_shipping: inOrderCurrency(node.currentShippingPriceSet, 'currentShippingPriceSet.shopMoney.currencyCode'),
    refunds: Array.isArray(node.refunds)
      ? (list(node.refunds) as Fields[]).map((refund, i) => ({
          id: refund.id,
          created_at: refund.createdAt,
          amount: inOrderCurrency(refund.totalRefundedSet, `refunds[${i}].totalRefundedSet.shopMoney.currencyCode`),
        }))
      : node.refunds,
    discount_codes: node.discountCodes,
    discount_applications: Array.isArray(discountApplications)
      ? (list(discountApplications) as Fields[]).map((application, i) => {
          const value = isFields(application.value) ? application.value : {};
          const money = value.__typename === 'MoneyV2';
          if (money && value.currencyCode !== currency) {
            throw new InvalidOrderError(
              id,
              `discountApplications.nodes[${i}].value.currencyCode`,
              `is in ${String(value.currencyCode)}, the order total in ${String(currency)}`,
            );
          }
          return {
            kind: DISCOUNT_KIND[String(application.__typename)] ?? application.__typename,
            code: application.code ?? null,
            title: application.title ?? null,
            amount: money ? value.amount : null,
            percentage: value.__typename === 'PricingPercentageValue' ? value.percentage : null,
            allocation_method: application.allocationMethod,
            target_type: application.targetType,
          };
        })
      : discountApplications,
    shipping_lines: Array.isArray(shippingLines)
      ? (list(shippingLines) as Fields[]).map((line, i) => ({
          id: line.id ?? null,
          title: line.title,
          code: line.code,
          source: line.source,
          price: inOrderCurrency(line.originalPriceSet, `shippingLines.nodes[${i}].originalPriceSet.shopMoney.currencyCode`),
          discounted_price: inOrderCurrency(line.discountedPriceSet, `shippingLines.nodes[${i}].discountedPriceSet.shopMoney.currencyCode`),
        }))
      : shippingLines,
    tax_lines: Array.isArray(node.taxLines)
      ? (list(node.taxLines) as Fields[]).map((line, i) => ({
          title: line.title,
          rate: line.rate,
          price: inOrderCurrency(line.priceSet, `taxLines[${i}].priceSet.shopMoney.currencyCode`),
        }))
      : node.taxLines,
    billing_address: address(node.billingAddress),
    shipping_address: address(node.shippingAddress),
    tags: node.tags,
    note: node.note,
  };
  return {
    id,
    order_number: node.number,
    status: statusOf(id, node),
    financial_status:
      node.displayFinancialStatus === null ? null : mapped(id, 'displayFinancialStatus', FINANCIAL_STATUS, node.displayFinancialStatus),
    fulfillment_status: mapped(id, 'displayFulfillmentStatus', FULFILLMENT_STATUS, node.displayFulfillmentStatus),
    currency,
    total_price: total.amount,
    subtotal_price: inOrderCurrency(node.subtotalPriceSet, 'subtotalPriceSet.shopMoney.currencyCode'),
    total_tax: inOrderCurrency(node.totalTaxSet, 'totalTaxSet.shopMoney.currencyCode'),
    // The contract's own optional money, read by the daily sales (docs/source-contract.md "Shopify"): the same values
    // as in details. An empty refunds list is the contract's "none".
    total_discounts: details.total_discounts,
    total_shipping: details.total_shipping,
    refunds: details.refunds,
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
                discounted_total: inOrderCurrency(
                  item.discountedTotalSet,
                  `lineItems.nodes[${i}].discountedTotalSet.shopMoney.currencyCode`,
                ),
                // A deleted variant or product reads as null: the sale still happened.
                variant_id: isFields(item.variant) ? item.variant.id : item.variant,
                product_id: isFields(item.product) ? item.product.id : item.product,
              }
            : item,
        )
      : lineItems,
    created_at: node.createdAt,
    updated_at: node.updatedAt,
    cancelled_at: node.cancelledAt,
    details,
  };
}

/** The validated Order of a Shopify node; `raw` is the node itself. Errors name the Shopify field. */
export function mapShopifyOrder(node: unknown): Order {
  const shape = toOrdersApiShape(node);
  try {
    return {
      ...validateSourceOrder(shape, { financialStatusMayBeNull: true, withDetails: true, refundsMayBeUndated: true }),
      raw: node as Fields,
    };
  } catch (error) {
    if (!(error instanceof InvalidOrderError)) throw error;
    const prefix = `order ${error.orderId || '(no id)'}: field "${error.field}" `;
    const problem = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw new InvalidOrderError(error.orderId, sourceField(error.field), problem);
  }
}
