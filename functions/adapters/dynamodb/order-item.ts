// The orders table's item: what a dashboard reads (snake_case, exact money strings, Instants), and the
// source's raw order kept whole, gzip-compressed when it is big; flat details trimmed when the whole item would not
// fit DynamoDB's 400 KB. Pure mapping both ways.
import type { Order, OrderAddress, OrderDetails, Refund } from '../../core/order';
import type { RecordWrite, WriteKind } from '../../core/ports';
import { versionAttributes, type ItemMapping, type VersionAttributes } from './item-mapping';
import { OrderSyncError } from '../../core/errors';
import { localDayOf } from '../../core/analytics/time-zone';
import { decodeRawJson, encodeRawJson, tooLargeMessage, type EncodedRaw } from './raw-payload';

export { RAW_GZIP_THRESHOLD_BYTES } from './raw-payload';

export interface OrderItem extends VersionAttributes {
  order_number: number;
  status: string;
  /** null: the source reported none (Shopify's nullable displayFinancialStatus). */
  financial_status: string | null;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  subtotal_price: string;
  total_tax: string;
  /**
   * The contract's optional money (null: the source gives none) and refunds, for every source: what the daily sales
   * read. Never trimmed. Items written before these were kept lack them: read as null and none.
   */
  total_discounts?: string | null;
  total_shipping?: string | null;
  refunds?: Array<{ id: string; created_at: string | null; amount: string }>;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  line_item_count: number;
  created_at: string;
  /**
   * The local day (YYYY-MM-DD) of created_at in the shop's zone: the partition key of the index `by_created_day`
   * (docs/design.md "Listing one day's orders"). A tombstone has none, so deleted orders leave the index. Items
   * written before it was kept lack it until their order changes or a full resync rewrites them.
   */
  created_day?: string;
  cancelled_at: string | null;
  // The fields beyond the reference contract (docs/source-contract.md) (Order.details), present only for sources that have them (Shopify), flat so a
  // dashboard reads, filters and projects them without parsing `raw`. Money: exact decimal strings, order currency.
  current_total_price?: string;
  current_subtotal_price?: string;
  current_total_tax?: string;
  current_total_discounts?: string;
  // total_discounts, total_shipping and refunds are the contract's own fields above (Order.details repeats them).
  total_refunded?: string;
  current_total_shipping?: string;
  discount_codes?: string[];
  discount_applications?: Array<{
    kind: string;
    code: string | null;
    title: string | null;
    amount: string | null;
    percentage: number | null;
    allocation_method: string;
    target_type: string;
  }>;
  shipping_lines?: Array<{
    id: string | null;
    title: string;
    code: string | null;
    source: string | null;
    price: string;
    discounted_price: string;
  }>;
  tax_lines?: Array<{ title: string; rate: number | null; price: string }>;
  billing_country_code?: string | null;
  billing_country?: string | null;
  billing_province_code?: string | null;
  billing_province?: string | null;
  billing_city?: string | null;
  billing_zip?: string | null;
  shipping_country_code?: string | null;
  shipping_country?: string | null;
  shipping_province_code?: string | null;
  shipping_province?: string | null;
  shipping_city?: string | null;
  shipping_zip?: string | null;
  tags?: string[];
  note?: string | null;
  /** Each line item's ids, quantity and money (for revenue by product), when the source has details. */
  line_items?: Array<{
    id: string;
    sku: string | null;
    title: string;
    quantity: number;
    price: string;
    discounted_total: string | null;
    variant_id: string | null;
    product_id: string | null;
  }>;
  /**
   * The flat detail attributes left out because the whole item would not fit DynamoDB's 400 KB (largest first):
   * their content is in the raw order, which is always kept whole. Absent when nothing was trimmed.
   */
  trimmed_details?: TrimmableDetail[];
  /** The source's order as JSON, when it is small enough ... */
  raw?: string;
  /** ... else the same JSON gzip-compressed. Exactly one of the two is present. */
  raw_gz?: Uint8Array;
}

/** A stored order as readers see it: the order without its line items (those live in `raw`), plus the write's metadata. */
export interface StoredOrder extends Omit<Order, 'lineItems'> {
  lineItemCount: number;
  syncedAt: string;
  writeTag: string | null;
  writeKind: WriteKind | null;
  /** The flat details the item left out (lists read as empty here; the raw order has them); empty when none. */
  trimmedDetails: TrimmableDetail[];
}

/** An order that cannot fit DynamoDB's 400 KB item even compressed and trimmed: retrying will not help. */
export class OrderTooLargeError extends OrderSyncError {
  readonly retryable = false;
}

/** DynamoDB's item limit, which counts attribute names and values alike. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * The flat details an item may leave out when it would not fit, largest first: lists a dashboard can also read from
 * the raw order. The totals, the refunds, the addresses and the version are never trimmed, so the money a dashboard
 * sums is exact.
 */
const TRIMMABLE_DETAILS = ['line_items', 'discount_applications', 'shipping_lines', 'tax_lines', 'discount_codes', 'tags', 'note'] as const;
export type TrimmableDetail = (typeof TRIMMABLE_DETAILS)[number];

/**
 * An attribute value's size as DynamoDB counts it (docs: "Item sizes and formats"): a string its UTF-8 bytes, a
 * binary its bytes, a number up to 21 bytes (counted here as its decimal digits plus one, an upper bound for the
 * integers and decimal strings we store), null and booleans 1, a list or map 3 bytes plus 1 per element plus the
 * elements (and a map's names).
 */
function attributeBytes(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return String(value).length + 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((sum: number, element) => sum + 1 + attributeBytes(element), 3);
  return Object.entries(value as Record<string, unknown>).reduce(
    (sum, [name, inner]) => (inner === undefined ? sum : sum + 1 + Buffer.byteLength(name, 'utf8') + attributeBytes(inner)),
    3,
  );
}

/** The whole item's size as DynamoDB counts it against its 400 KB: every attribute's name and value. */
export function itemBytes(item: object): number {
  return Object.entries(item).reduce(
    (sum, [name, value]) => (value === undefined ? sum : sum + Buffer.byteLength(name, 'utf8') + attributeBytes(value)),
    0,
  );
}

/**
 * The item as it fits: untouched when it does, else without its largest flat details, one at a time, until it
 * does (the item names what it left out). OrderTooLargeError when even the untrimmable rest does not fit.
 */
function fitted(item: OrderItem): OrderItem {
  let bytes = itemBytes(item);
  if (bytes <= MAX_ITEM_BYTES) return item;
  const untrimmed = bytes;
  const trimmed: TrimmableDetail[] = [];
  const kept: Record<string, unknown> = { ...item };
  const bySize = TRIMMABLE_DETAILS.filter((name) => kept[name] !== undefined)
    .map((name) => ({ name, bytes: Buffer.byteLength(name, 'utf8') + attributeBytes(kept[name]) }))
    .sort((a, b) => b.bytes - a.bytes);
  for (const detail of bySize) {
    delete kept[detail.name];
    trimmed.push(detail.name);
    bytes = itemBytes({ ...kept, trimmed_details: trimmed });
    if (bytes <= MAX_ITEM_BYTES) return { ...(kept as unknown as OrderItem), trimmed_details: trimmed };
  }
  throw new OrderTooLargeError(
    `order ${item.id}: ${untrimmed} bytes as an item, still ${bytes} with its flat details trimmed, ` +
      'more than a DynamoDB item can hold (400 KB)',
  );
}

export function orderToItem(write: RecordWrite<Order>, zone: string): OrderItem {
  return fitted(untrimmedItem(write, zone));
}

function untrimmedItem(write: RecordWrite<Order>, zone: string): OrderItem {
  const { record: order } = write;
  return {
    order_number: order.orderNumber,
    status: order.status,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    currency: order.currency,
    total_price: order.totalPrice,
    subtotal_price: order.subtotalPrice,
    total_tax: order.totalTax,
    total_discounts: order.totalDiscounts,
    total_shipping: order.totalShipping,
    refunds: order.refunds.map((r) => ({ id: r.id, created_at: r.createdAt, amount: r.amount })),
    customer_id: order.customer?.id ?? null,
    customer_email: order.customer?.email ?? null,
    customer_name: order.customer?.name ?? null,
    line_item_count: order.lineItems.length,
    created_at: order.createdAt,
    created_day: localDayOf(order.createdAt, zone),
    cancelled_at: order.cancelledAt,
    ...versionAttributes(write),
    ...(order.details ? detailAttributes(order) : {}),
    ...encodeRaw(order.id, order.raw),
  };
}

type AddressAttributes<P extends string> = {
  [K in `${P}_${'country_code' | 'country' | 'province_code' | 'province' | 'city' | 'zip'}`]: string | null;
};

function addressAttributes<P extends 'billing' | 'shipping'>(prefix: P, address: OrderAddress | null): AddressAttributes<P> {
  return {
    [`${prefix}_country_code`]: address?.countryCode ?? null,
    [`${prefix}_country`]: address?.country ?? null,
    [`${prefix}_province_code`]: address?.provinceCode ?? null,
    [`${prefix}_province`]: address?.province ?? null,
    [`${prefix}_city`]: address?.city ?? null,
    [`${prefix}_zip`]: address?.zip ?? null,
  } as AddressAttributes<P>;
}

function detailAttributes(order: Order): Partial<OrderItem> {
  const d = order.details!;
  return {
    current_total_price: d.currentTotalPrice,
    current_subtotal_price: d.currentSubtotalPrice,
    current_total_tax: d.currentTotalTax,
    current_total_discounts: d.currentTotalDiscounts,
    total_refunded: d.totalRefunded,
    current_total_shipping: d.currentTotalShipping,
    discount_codes: d.discountCodes,
    discount_applications: d.discountApplications.map((a) => ({
      kind: a.kind,
      code: a.code,
      title: a.title,
      amount: a.amount,
      percentage: a.percentage,
      allocation_method: a.allocationMethod,
      target_type: a.targetType,
    })),
    shipping_lines: d.shippingLines.map((l) => ({
      id: l.id,
      title: l.title,
      code: l.code,
      source: l.source,
      price: l.price,
      discounted_price: l.discountedPrice,
    })),
    tax_lines: d.taxLines.map((t) => ({ title: t.title, rate: t.rate, price: t.price })),
    ...addressAttributes('billing', d.billingAddress),
    ...addressAttributes('shipping', d.shippingAddress),
    tags: d.tags,
    note: d.note,
    line_items: order.lineItems.map((item) => ({
      id: item.id,
      sku: item.sku,
      title: item.title,
      quantity: item.quantity,
      price: item.price,
      discounted_total: item.discountedTotal ?? null,
      variant_id: item.variantId ?? null,
      product_id: item.productId ?? null,
    })),
  };
}

function storedAddress(stored: OrderItem, prefix: 'billing' | 'shipping'): OrderAddress | null {
  const item = stored as unknown as Record<string, string | null | undefined>;
  const address: OrderAddress = {
    countryCode: item[`${prefix}_country_code`] ?? null,
    country: item[`${prefix}_country`] ?? null,
    provinceCode: item[`${prefix}_province_code`] ?? null,
    province: item[`${prefix}_province`] ?? null,
    city: item[`${prefix}_city`] ?? null,
    zip: item[`${prefix}_zip`] ?? null,
  };
  return Object.values(address).every((value) => value === null) ? null : address;
}

function storedRefunds(stored: OrderItem): Refund[] {
  return (stored.refunds ?? []).map((r) => ({ id: r.id, createdAt: r.created_at ?? null, amount: r.amount }));
}

function storedDetails(stored: OrderItem): OrderDetails | undefined {
  if (typeof stored.current_total_price !== 'string') return undefined;
  return {
    currentTotalPrice: stored.current_total_price,
    currentSubtotalPrice: stored.current_subtotal_price!,
    currentTotalTax: stored.current_total_tax!,
    currentTotalDiscounts: stored.current_total_discounts!,
    totalDiscounts: stored.total_discounts ?? null,
    totalRefunded: stored.total_refunded!,
    totalShipping: stored.total_shipping!,
    currentTotalShipping: stored.current_total_shipping!,
    refunds: storedRefunds(stored),
    discountCodes: stored.discount_codes ?? [],
    discountApplications: (stored.discount_applications ?? []).map((a) => ({
      kind: a.kind as OrderDetails['discountApplications'][number]['kind'],
      code: a.code ?? null,
      title: a.title ?? null,
      amount: a.amount ?? null,
      percentage: a.percentage ?? null,
      allocationMethod: a.allocation_method,
      targetType: a.target_type,
    })),
    shippingLines: (stored.shipping_lines ?? []).map((l) => ({
      id: l.id ?? null,
      title: l.title,
      code: l.code ?? null,
      source: l.source ?? null,
      price: l.price,
      discountedPrice: l.discounted_price,
    })),
    taxLines: (stored.tax_lines ?? []).map((t) => ({ title: t.title, rate: t.rate ?? null, price: t.price })),
    billingAddress: storedAddress(stored, 'billing'),
    shippingAddress: storedAddress(stored, 'shipping'),
    tags: stored.tags ?? [],
    note: stored.note ?? null,
  };
}

/**
 * Each raw order encoded once: the page step asks whether an order can be stored (unstorableReason) before it
 * writes the same order object, and a big order's gzip is not worth doing twice.
 */
const encodedRaws = new WeakMap<object, EncodedRaw>();

function encodedRaw(raw: Record<string, unknown>): EncodedRaw {
  let encoded = encodedRaws.get(raw);
  if (encoded === undefined) {
    encoded = encodeRawJson(JSON.stringify(raw));
    encodedRaws.set(raw, encoded);
  }
  return encoded;
}

/**
 * The write metadata at its longest, to size an order before its write is known: a run id is well under 150
 * characters (execution-name.ts), its write tag that plus the page; a digest is 22 characters (order-digest.ts).
 */
const SIZING_WRITE = {
  syncedAt: '2000-01-01T00:00:00.000000Z',
  readAt: '2000-01-01T00:00:00.000000Z',
  digest: 'd'.repeat(22),
  writeTag: 'w'.repeat(200),
  kind: 'inserted',
  replaces: null,
} as const;

/**
 * Why this order cannot be an item (its raw order too big even compressed, or the item too big even with its flat
 * details trimmed), or null.
 */
export function unstorableReason(order: Order): string | null {
  const encoded = encodedRaw(order.raw);
  if ('tooLarge' in encoded) return tooLargeMessage(order.id, encoded.tooLarge);
  try {
    // Every zone's day is ten characters: the size does not depend on the zone.
    fitted(untrimmedItem({ ...SIZING_WRITE, record: order }, 'UTC'));
    return null;
  } catch (error) {
    if (error instanceof OrderTooLargeError) return error.message;
    throw error;
  }
}

function encodeRaw(orderId: string, raw: Record<string, unknown>): Pick<OrderItem, 'raw' | 'raw_gz'> {
  const encoded = encodedRaw(raw);
  if ('tooLarge' in encoded) throw new OrderTooLargeError(tooLargeMessage(orderId, encoded.tooLarge));
  return encoded;
}

function decodeRaw(item: Pick<OrderItem, 'id' | 'raw' | 'raw_gz'>): Record<string, unknown> {
  const raw = decodeRawJson(item);
  if (raw === undefined) throw new Error(`order item ${item.id} has neither raw nor raw_gz`);
  return raw as Record<string, unknown>;
}

/** Read back a whole item (GetItem, Scan). */
export function itemToStoredOrder(item: Record<string, unknown>): StoredOrder {
  const stored = item as unknown as OrderItem;
  const details = storedDetails(stored);
  return {
    id: stored.id,
    orderNumber: stored.order_number,
    status: stored.status as StoredOrder['status'],
    financialStatus: (stored.financial_status ?? null) as StoredOrder['financialStatus'],
    fulfillmentStatus: (stored.fulfillment_status ?? null) as StoredOrder['fulfillmentStatus'],
    currency: stored.currency,
    totalPrice: stored.total_price,
    subtotalPrice: stored.subtotal_price,
    totalTax: stored.total_tax,
    totalDiscounts: stored.total_discounts ?? null,
    totalShipping: stored.total_shipping ?? null,
    refunds: storedRefunds(stored),
    customer:
      stored.customer_id == null
        ? null
        : { id: stored.customer_id, email: stored.customer_email ?? null, name: stored.customer_name ?? null },
    lineItemCount: stored.line_item_count,
    createdAt: stored.created_at,
    updatedAt: stored.updated_at,
    cancelledAt: stored.cancelled_at ?? null,
    syncedAt: stored.synced_at,
    writeTag: stored.write_tag ?? null,
    writeKind: stored.write_kind ?? null,
    trimmedDetails: stored.trimmed_details ?? [],
    ...(details ? { details } : {}),
    raw: decodeRaw(stored),
  };
}

/**
 * The orders stream's item mapping, its `created_day` in the zone the write's run counts days in, else in `zone` (the
 * configured SHOP_TIME_ZONE, or UTC): an IANA name, checked by the settings.
 */
export function orderItems(zone: string): ItemMapping<Order, StoredOrder> {
  return {
    toItem: (write) => orderToItem(write, write.localZone ?? zone),
    unstorable: unstorableReason,
    fromItem: itemToStoredOrder,
  };
}

/** The mapping in UTC: the default of stores that only read, and of tests that do not set a zone. */
export const ORDER_ITEMS = orderItems('UTC');
