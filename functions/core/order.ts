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
}

/** A validated, normalised order. Money stays an exact decimal string; times are Instants. */
export interface Order {
  id: string;
  orderNumber: number;
  status: OrderStatus;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  currency: string;
  totalPrice: string;
  subtotalPrice: string;
  totalTax: string;
  customer: Customer | null;
  lineItems: LineItem[];
  createdAt: Instant;
  updatedAt: Instant;
  cancelledAt: Instant | null;
  /** The source's order exactly as received, unknown fields included. */
  raw: Record<string, unknown>;
}
