// Valid raw source orders in the shape of docs/source-contract.md "Order", for any test: override what the story is about.
// An override whose value is `undefined` removes that field (to test a missing field).
import type { Instant, Order } from '../../functions/core/order';
import { recordDigest } from '../../functions/core/record-digest';
import type { RecordWrite } from '../../functions/core/ports';
import { validateOrder } from '../../functions/core/validate-order';

export interface RawCustomer {
  id: string;
  email: string | null;
  name: string | null;
}

export interface RawLineItem {
  id: string;
  sku: string | null;
  title: string;
  quantity: number;
  price: string;
  [unknownField: string]: unknown;
}

/** An order exactly as the orders API sends it (snake_case, timestamps as written, money as strings). */
export interface RawOrder {
  id: string;
  order_number: number;
  status: string;
  financial_status: string;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  subtotal_price: string;
  total_tax: string;
  customer: RawCustomer | null;
  line_items: RawLineItem[];
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  [unknownField: string]: unknown;
}

/** Any field may be replaced by anything (bad input included) or removed with `undefined`. */
export type Overrides = Record<string, unknown>;

export function applyOverrides<T extends object>(base: T, overrides: Overrides): T {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result as T;
}

/** The 7-digit order id the fake API uses: 1 → `ord_0000001`. */
export function orderIdOf(n: number): string {
  return `ord_${String(n).padStart(7, '0')}`;
}

export function rawLineItem(overrides: Overrides = {}): RawLineItem {
  return applyOverrides<RawLineItem>({ id: 'li_1', sku: 'SKU-1', title: 'Mug', quantity: 2, price: '59.98' }, overrides);
}

/** docs/source-contract.md's example order (ord_0000001), with overrides. */
export function rawOrder(overrides: Overrides = {}): RawOrder {
  return applyOverrides<RawOrder>(
    {
      id: orderIdOf(1),
      order_number: 1001,
      status: 'open',
      financial_status: 'paid',
      fulfillment_status: null,
      currency: 'USD',
      total_price: '129.95',
      subtotal_price: '119.95',
      total_tax: '10.00',
      customer: { id: 'cus_42', email: 'ana@example.com', name: 'Ana Lima' },
      line_items: [rawLineItem()],
      created_at: '2025-01-15T10:25:00.123Z',
      updated_at: '2025-01-15T10:31:07.456+02:00',
      cancelled_at: null,
    },
    overrides,
  );
}

/** `count` distinct orders ord_0000001.., order numbers 1001.., each with the overrides `each(n)` returns. */
export function rawOrders(count: number, each: (n: number) => Overrides = () => ({})): RawOrder[] {
  return Array.from({ length: count }, (_, i) => rawOrder({ id: orderIdOf(i + 1), order_number: 1001 + i, ...each(i + 1) }));
}

/** A validated Order (what a connector hands the core), built from rawOrder(overrides). */
export function order(overrides: Overrides = {}): Order {
  return validateOrder(rawOrder(overrides));
}

/** A write of this order as the page step makes it: its digest computed, read when it was synced unless told. */
export function orderWrite(write: Omit<RecordWrite<Order>, 'digest' | 'readAt'> & { readAt?: Instant }): RecordWrite<Order> {
  return { ...write, digest: recordDigest(write.record), readAt: write.readAt ?? write.syncedAt };
}
