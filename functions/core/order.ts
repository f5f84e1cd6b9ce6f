// The internal order model every connector maps onto (docs/source-contract.md "Order" is its reference shape).

export type OrderStatus = 'open' | 'closed' | 'cancelled';
export type FinancialStatus = 'pending' | 'authorized' | 'paid' | 'partially_refunded' | 'refunded' | 'voided';
export type FulfillmentStatus = null | 'partial' | 'fulfilled';

/**
 * An instant as a fixed-width UTC string with six fractional digits: `2025-01-15T08:31:07.456000Z`.
 * Fixed width makes string order equal instant order, in code and in DynamoDB conditions alike.
 */
export type Instant = string;

export interface Customer {
  id: string;
  email: string | null;
  name: string | null;
}

export interface LineItem {
  id: string;
  sku: string | null;
  title: string;
  quantity: number;
  /** Exact decimal string. */
  price: string;
  /** The sources that know them (Shopify): the variant and product sold (null once deleted), and the line's total after its discounts. */
  variantId?: string | null;
  productId?: string | null;
  discountedTotal?: string;
}

/** Where an order was billed or shipped to, as far as a dashboard groups by it. */
export interface OrderAddress {
  /** ISO 3166-1 alpha-2. */
  countryCode: string | null;
  country: string | null;
  provinceCode: string | null;
  province: string | null;
  city: string | null;
  zip: string | null;
}

/** Money given back on an order, dated when it was given back (a refund changes the order's `updatedAt`). */
export interface Refund {
  id: string;
  /** null only where the source may leave it undated (Shopify's Refund.createdAt is nullable). */
  createdAt: Instant | null;
  /** Exact decimal string, in the order's currency. */
  amount: string;
}

export interface DiscountApplication {
  /** How it was applied: `code`, `automatic`, `manual` or `script`. */
  kind: 'code' | 'automatic' | 'manual' | 'script';
  /** The code (kind `code`) or the title (the other kinds). */
  code: string | null;
  title: string | null;
  /** A fixed amount in the order's currency, or a percentage: exactly one is set. */
  amount: string | null;
  percentage: number | null;
  allocationMethod: string;
  targetType: string;
}

export interface ShippingLine {
  id: string | null;
  title: string;
  code: string | null;
  source: string | null;
  /** Before and after shipping discounts. */
  price: string;
  discountedPrice: string;
}

export interface TaxLine {
  title: string;
  /** A fraction (0.2 = 20 %), as the source states it; null when it does not. */
  rate: number | null;
  price: string;
}

/**
 * What a revenue dashboard reads beyond the reference contract's Order (docs/source-contract.md), for sources that have it (Shopify). Totals are exact
 * decimal strings in the order's currency; the `current…` ones reflect refunds, returns and order edits, the
 * others are as the order was placed. A source without them leaves `Order.details` undefined.
 */
export interface OrderDetails {
  currentTotalPrice: string;
  currentSubtotalPrice: string;
  currentTotalTax: string;
  currentTotalDiscounts: string;
  /** null when the source does not say (Shopify's totalDiscountsSet is nullable). */
  totalDiscounts: string | null;
  totalRefunded: string;
  totalShipping: string;
  currentTotalShipping: string;
  refunds: Refund[];
  discountCodes: string[];
  discountApplications: DiscountApplication[];
  shippingLines: ShippingLine[];
  taxLines: TaxLine[];
  billingAddress: OrderAddress | null;
  shippingAddress: OrderAddress | null;
  tags: string[];
  note: string | null;
}

/** A validated, normalised order. Money stays an exact decimal string; times are Instants. */
export interface Order {
  id: string;
  orderNumber: number;
  status: OrderStatus;
  /** null: the source reports none (Shopify's displayFinancialStatus is nullable, e.g. an order with nothing to pay). */
  financialStatus: FinancialStatus | null;
  fulfillmentStatus: FulfillmentStatus;
  currency: string;
  totalPrice: string;
  subtotalPrice: string;
  totalTax: string;
  /**
   * The contract's optional money (docs/source-contract.md "Order"): order and line discounts as placed, and shipping;
   * null when the source gives none (the field absent or null), which sums as zero.
   */
  totalDiscounts: string | null;
  totalShipping: string | null;
  /** The order's refunds; empty when the source gives none (the field absent). */
  refunds: Refund[];
  customer: Customer | null;
  lineItems: LineItem[];
  createdAt: Instant;
  updatedAt: Instant;
  cancelledAt: Instant | null;
  /** The fields beyond the reference contract (docs/source-contract.md), when the source has them. */
  details?: OrderDetails;
  /** The source's order exactly as received, unknown fields included. */
  raw: Record<string, unknown>;
}
