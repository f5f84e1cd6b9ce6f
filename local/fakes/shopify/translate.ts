// Turns an order of the fake orders API (docs/source-contract.md shape) into a Shopify GraphQL Admin Order node, as the
// connector's documents select it: gid ids, display enums, MoneyBags with shopMoney, UTC DateTimes in whole
// seconds (as Shopify writes them, so many orders share one second), and the revenue fields the reference contract lacks
// (refunds, discounts, shipping, tax lines, addresses), derived from the order so the same version reads the same.
// Field shapes follow https://shopify.dev/docs/api/admin-graphql/latest/objects/Order and objects/LineItem.
import { addMs, isInstantString, toInstant } from '../../../functions/core/instant';
import type { Instant } from '../../../functions/core/order';
import { PAGED_DISCOUNT_APPLICATIONS, PAGED_SHIPPING_LINES } from '../../../functions/adapters/source/shopify/queries';
import { hash32 } from '../orders-api/random';

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

/** Shopify's DateTime: whole seconds, UTC (`2025-01-15T10:31:07Z`). */
function dateTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // A timestamp broken on purpose (corruptOrder, the quarantine tests) is served as it is, as a broken shop would.
  return isInstantString(value) ? `${toInstant(value).slice(0, 19)}Z` : value;
}

/** The instant as Shopify stores it: truncated to the second. */
export function wholeSecond(instant: Instant): Instant {
  return `${instant.slice(0, 19)}.000000Z`;
}

/**
 * The first instant whose whole second is at or after `instant`'s: a stored time (whole seconds) s is >= a bound b
 * exactly when the precise time is >= secondCeiling(b), so the fake's filters match what Shopify's would.
 */
export function secondCeiling(instant: Instant): Instant {
  return instant.slice(20, 26) === '000000' ? instant : addMs(wholeSecond(instant), 1000);
}

function moneyBag(amount: unknown, currencyCode: unknown): Fields {
  return { shopMoney: { amount, currencyCode } };
}

/** A decimal string's minor units and decimals (`"12.34"` → 1234, 2). */
function minor(amount: unknown): { units: number; decimals: number } {
  const text = String(amount);
  const [whole, fraction = ''] = text.split('.');
  return { units: Number(`${whole}${fraction}`), decimals: fraction.length };
}

function decimal(units: number, decimals: number): string {
  if (decimals === 0) return String(units);
  const text = String(Math.abs(units)).padStart(decimals + 1, '0');
  return `${units < 0 ? '-' : ''}${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

const COUNTRIES = [
  { countryCodeV2: 'US', country: 'United States', provinceCode: 'NY', province: 'New York', city: 'New York', zip: '10001' },
  { countryCodeV2: 'BR', country: 'Brazil', provinceCode: 'SP', province: 'São Paulo', city: 'São Paulo', zip: '01310-100' },
  { countryCodeV2: 'DE', country: 'Germany', provinceCode: null, province: null, city: 'München', zip: '80331' },
  { countryCodeV2: 'JP', country: 'Japan', provinceCode: 'JP-13', province: 'Tokyo', city: '渋谷区', zip: '150-0002' },
  { countryCodeV2: 'GB', country: 'United Kingdom', provinceCode: null, province: null, city: 'London', zip: 'SW1A 1AA' },
  { countryCodeV2: 'CA', country: 'Canada', provinceCode: 'QC', province: 'Quebec', city: 'Montréal', zip: 'H2X 1Y4' },
] as const;

/**
 * The revenue fields of an order, consistent with its totals: a refund of everything (refunded) or of half the total
 * (partially_refunded); shipping that a discount makes free (a code, or an automatic discount), so the totals the
 * reference order states still add up; one tax line carrying the order's tax.
 */
/**
 * The field of a fake-orders-API order (set through FakeShopify.setListLengths) that asks for longer lists than the
 * derived ones: `{ discountApplications?, shippingLines?, refunds? }`, each a length; the added entries are worth zero,
 * so the order's totals stay as they are.
 */
export const LIST_LENGTHS_FIELD = 'x_fake_shopify_list_lengths';

export interface ListLengths {
  discountApplications?: number;
  shippingLines?: number;
  refunds?: number;
}

/** `list` made `length` long (when longer) by `extra(i)` entries, i counting from 1. */
function lengthened(list: Fields[], length: number | undefined, extra: (i: number) => Fields): Fields[] {
  const added = Math.max(0, (length ?? 0) - list.length);
  return [...list, ...Array.from({ length: added }, (_, index) => extra(index + 1))];
}

function revenueFields(order: Fields): { fields: Fields; discountApplications: Fields[]; shippingLines: Fields[] } {
  const currency = order.currency;
  const orderNumber = Number(order.order_number);
  const h = hash32(orderNumber, 0x7e5e);
  const total = minor(order.total_price);
  const subtotal = minor(order.subtotal_price);
  const tax = minor(order.total_tax);
  const d = total.decimals;
  const refunded =
    order.financial_status === 'refunded' ? total.units : order.financial_status === 'partially_refunded' ? Math.floor(total.units / 2) : 0;
  const refundedSubtotal = Math.min(refunded, subtotal.units);
  const refundedTax = refunded === total.units ? tax.units : 0;
  const hasLines = subtotal.units > 0;
  const shippingUnits = hasLines ? (d === 0 ? 800 : 500 + (h % 3) * 250) : 0;
  const byCode = hasLines && h % 3 === 0;
  const discountApplications: Fields[] = hasLines
    ? [
        byCode
          ? {
              __typename: 'DiscountCodeApplication',
              allocationMethod: 'EACH',
              targetType: 'SHIPPING_LINE',
              value: { __typename: 'PricingPercentageValue', percentage: 100 },
              code: 'FREESHIP',
            }
          : {
              __typename: 'AutomaticDiscountApplication',
              allocationMethod: 'EACH',
              targetType: 'SHIPPING_LINE',
              value: { __typename: 'MoneyV2', amount: decimal(shippingUnits, d), currencyCode: currency },
              title: 'Free shipping',
            },
      ]
    : [];
  const shippingLines: Fields[] = hasLines
    ? [
        {
          id: `gid://shopify/ShippingLine/${orderNumber}`,
          title: 'Standard',
          code: 'STANDARD',
          source: 'shopify',
          originalPriceSet: moneyBag(decimal(shippingUnits, d), currency),
          discountedPriceSet: moneyBag(decimal(0, d), currency),
        },
      ]
    : [];
  const place = (salt: number): Fields => ({ ...COUNTRIES[hash32(orderNumber, salt) % COUNTRIES.length]! });
  const updatedAt = dateTime(order.updated_at);
  const lengths = (order[LIST_LENGTHS_FIELD] ?? {}) as ListLengths;
  const zero = decimal(0, d);
  return {
    fields: {
      currentTotalPriceSet: moneyBag(decimal(total.units - refunded, d), currency),
      currentSubtotalPriceSet: moneyBag(decimal(subtotal.units - refundedSubtotal, d), currency),
      currentTotalTaxSet: moneyBag(decimal(tax.units - refundedTax, d), currency),
      currentTotalDiscountsSet: moneyBag(decimal(shippingUnits, d), currency),
      // Nullable in the schema: absent on orders that never had a discount to total.
      totalDiscountsSet: hasLines ? moneyBag(decimal(shippingUnits, d), currency) : null,
      totalRefundedSet: moneyBag(decimal(refunded, d), currency),
      totalShippingPriceSet: moneyBag(decimal(0, d), currency),
      currentShippingPriceSet: moneyBag(decimal(0, d), currency),
      discountCodes: byCode ? ['FREESHIP'] : [],
      tags: Array.isArray(order.tags) ? order.tags : [],
      note: typeof order.note === 'string' ? order.note : null,
      taxLines:
        tax.units > 0
          ? [
              {
                title: currency === 'USD' ? 'Sales tax' : 'VAT',
                rate: Math.round((tax.units / subtotal.units) * 10_000) / 10_000,
                priceSet: moneyBag(order.total_tax, currency),
              },
            ]
          : [],
      refunds: lengthened(
        refunded > 0
          ? [
              {
                id: `gid://shopify/Refund/${orderNumber}`,
                createdAt: updatedAt,
                totalRefundedSet: moneyBag(decimal(refunded, d), currency),
              },
            ]
          : [],
        lengths.refunds,
        (i) => ({ id: `gid://shopify/Refund/${orderNumber * 1000 + i}`, createdAt: updatedAt, totalRefundedSet: moneyBag(zero, currency) }),
      ),
      // Guest orders and some others have no billing address; every order with something to ship has a shipping one.
      billingAddress: h % 10 === 0 ? null : place(0xb111),
      shippingAddress: hasLines ? place(0x5417) : null,
    },
    discountApplications: lengthened(discountApplications, lengths.discountApplications, (i) => ({
      __typename: 'ManualDiscountApplication',
      allocationMethod: 'ACROSS',
      targetType: 'LINE_ITEM',
      value: { __typename: 'MoneyV2', amount: zero, currencyCode: currency },
      title: `Goodwill ${i}`,
    })),
    shippingLines: lengthened(shippingLines, lengths.shippingLines, (i) => ({
      id: `gid://shopify/ShippingLine/${orderNumber * 1000 + i}`,
      title: `Extra parcel ${i}`,
      code: null,
      source: 'shopify',
      originalPriceSet: moneyBag(zero, currency),
      discountedPriceSet: moneyBag(zero, currency),
    })),
  };
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
      // Deleted variants and products read as null: every 25th line's.
      variant:
        Number(line) % 25 === 0 ? null : { id: `gid://shopify/ProductVariant/${hash32(Number(orderNumber), Number(line)) % 100_000}` },
      product: Number(line) % 25 === 0 ? null : { id: `gid://shopify/Product/${hash32(Number(orderNumber), Number(line)) % 10_000}` },
      originalTotalSet: moneyBag(item.price, order.currency),
      discountedTotalSet: moneyBag(item.price, order.currency),
    };
  });
}

/** A slice of a list as a connection: `after` is the index to start at, cursors are opaque indices. */
export function listConnection(all: readonly Fields[], first: number, after: number): Fields {
  const nodes = all.slice(after, after + first);
  const next = after + nodes.length;
  return { nodes, pageInfo: { hasNextPage: next < all.length, endCursor: nodes.length > 0 ? opaque({ li: next }) : null } };
}

/** The Order node's own fields (its connections aside), as ORDER_FIELDS selects them. */
export function orderFields(order: Fields): Fields {
  const customer = order.customer as Fields | null;
  const closed = order.status === 'closed' || order.status === 'cancelled';
  const revenue = revenueFields(order);
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
    // Shopify shows no financial status on an order with nothing to pay (nullable in the schema): here, no line items.
    displayFinancialStatus: Number(minor(order.total_price).units) === 0 ? null : (FINANCIAL[String(order.financial_status)] ?? null),
    displayFulfillmentStatus:
      order.fulfillment_status === 'fulfilled'
        ? 'FULFILLED'
        : order.fulfillment_status === 'partial'
          ? 'PARTIALLY_FULFILLED'
          : 'UNFULFILLED',
    totalPriceSet: moneyBag(order.total_price, order.currency),
    subtotalPriceSet: moneyBag(order.subtotal_price, order.currency),
    totalTaxSet: moneyBag(order.total_tax, order.currency),
    ...revenue.fields,
    // Customer.displayName is non-null: the name, else (as Shopify falls back) the email, else empty.
    customer: customer
      ? { id: `gid://shopify/Customer/${String(customer.id).replace(/^cus_/, '')}`, displayName: customer.name ?? customer.email ?? '' }
      : null,
  };
}

/** The discount applications and shipping lines of an order (the bulk export writes them as child lines). */
export function orderChildren(order: Fields): { discountApplications: Fields[]; shippingLines: Fields[] } {
  const { discountApplications, shippingLines } = revenueFields(order);
  return { discountApplications, shippingLines };
}

/** How many nodes of each connection a node holds (from the first): the paged query's, unless asked otherwise. */
export interface ConnectionFirsts {
  lineItems: number;
  discountApplications?: number;
  shippingLines?: number;
}

/** The Order node of a fake-orders-API order, as the paged query selects it: each connection's first nodes. */
export function orderNode(order: Fields, firsts: ConnectionFirsts): Fields {
  const { discountApplications, shippingLines } = orderChildren(order);
  return {
    ...orderFields(order),
    lineItems: listConnection(lineItemNodes(order), firsts.lineItems, 0),
    discountApplications: listConnection(discountApplications, firsts.discountApplications ?? PAGED_DISCOUNT_APPLICATIONS, 0),
    shippingLines: listConnection(shippingLines, firsts.shippingLines ?? PAGED_SHIPPING_LINES, 0),
  };
}
