// The orders table's item: what a dashboard reads (snake_case, exact money strings, Instants), and the
// source's raw order kept whole, gzip-compressed when it is big. Pure mapping both ways.
import type { Order } from '../../core/order';
import type { OrderWrite, StoredVersion } from '../../core/ports';
import { OrderSyncError } from '../../core/errors';
import { decodeRawJson, encodeRawJson, tooLargeMessage, type EncodedRaw } from './raw-payload';

export { RAW_GZIP_THRESHOLD_BYTES } from './raw-payload';

export interface OrderItem {
  id: string;
  order_number: number;
  status: string;
  financial_status: string;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  subtotal_price: string;
  total_tax: string;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  line_item_count: number;
  created_at: string;
  /** Fixed-width Instant: DynamoDB string comparison is instant comparison. */
  updated_at: string;
  cancelled_at: string | null;
  synced_at: string;
  write_tag: string;
  write_kind: 'inserted' | 'updated';
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
  writeKind: 'inserted' | 'updated' | null;
}

/** An order that cannot fit DynamoDB's 400 KB item even compressed: retrying will not help. */
export class OrderTooLargeError extends OrderSyncError {
  readonly retryable = false;
}

/** The attributes getVersions reads: enough to classify an incoming version. */
export const VERSION_ATTRIBUTES = ['id', 'updated_at', 'write_tag', 'write_kind'] as const;

export function orderToItem(write: OrderWrite): OrderItem {
  const { order } = write;
  return {
    id: order.id,
    order_number: order.orderNumber,
    status: order.status,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    currency: order.currency,
    total_price: order.totalPrice,
    subtotal_price: order.subtotalPrice,
    total_tax: order.totalTax,
    customer_id: order.customer?.id ?? null,
    customer_email: order.customer?.email ?? null,
    customer_name: order.customer?.name ?? null,
    line_item_count: order.lineItems.length,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    synced_at: write.syncedAt,
    write_tag: write.writeTag,
    write_kind: write.kind,
    ...encodeRaw(order.id, order.raw),
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

/** Why this order cannot be an item (its raw order too big even compressed), or null. */
export function unstorableReason(order: Pick<Order, 'id' | 'raw'>): string | null {
  const encoded = encodedRaw(order.raw);
  return 'tooLarge' in encoded ? tooLargeMessage(order.id, encoded.tooLarge) : null;
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
  return {
    id: stored.id,
    orderNumber: stored.order_number,
    status: stored.status as StoredOrder['status'],
    financialStatus: stored.financial_status as StoredOrder['financialStatus'],
    fulfillmentStatus: (stored.fulfillment_status ?? null) as StoredOrder['fulfillmentStatus'],
    currency: stored.currency,
    totalPrice: stored.total_price,
    subtotalPrice: stored.subtotal_price,
    totalTax: stored.total_tax,
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
    raw: decodeRaw(stored),
  };
}

/** Read back the version attributes only (a projected BatchGet or Scan). */
export function itemToStoredVersion(item: Record<string, unknown>): StoredVersion {
  const stored = item as unknown as Pick<OrderItem, 'id' | 'updated_at' | 'write_tag' | 'write_kind'>;
  return {
    id: stored.id,
    updatedAt: stored.updated_at,
    writeTag: stored.write_tag ?? null,
    writeKind: stored.write_kind ?? null,
  };
}
