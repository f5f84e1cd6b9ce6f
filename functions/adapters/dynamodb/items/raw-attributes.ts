// A product's or customer's raw payload as item attributes (`raw`, or `raw_gz` when big; raw-payload.ts), encoded
// once per payload, and the item's size against DynamoDB's 400 KB, named by the stream's noun when it does not fit.
import { OrderSyncError } from '../../../core/errors';
import { itemBytes, MAX_ITEM_BYTES } from '../order-item';
import { decodeRawJson, encodeRawJson, type EncodedRaw } from '../raw-payload';

/** A record that cannot fit DynamoDB's 400 KB item even compressed and trimmed: retrying will not help. */
export class RecordTooLargeError extends OrderSyncError {
  readonly retryable = false;
}

export type RawAttributes = { raw: string } | { raw_gz: Uint8Array };

/** The page step asks whether a record can be stored before it writes the same object: gzip it once. */
const encodedRaws = new WeakMap<object, EncodedRaw>();

function encodedRaw(raw: Record<string, unknown>): EncodedRaw {
  let encoded = encodedRaws.get(raw);
  if (encoded === undefined) {
    encoded = encodeRawJson(JSON.stringify(raw));
    encodedRaws.set(raw, encoded);
  }
  return encoded;
}

/** The raw payload's attributes; RecordTooLargeError when even compressed it is more than an item holds. */
export function rawAttributes(noun: string, id: string, raw: Record<string, unknown>): RawAttributes {
  const encoded = encodedRaw(raw);
  if ('tooLarge' in encoded) {
    const { bytes, compressedBytes } = encoded.tooLarge;
    throw new RecordTooLargeError(
      `${noun} ${id}: raw ${noun} is ${bytes} bytes (${compressedBytes} gzip-compressed), more than a DynamoDB item can hold (400 KB)`,
    );
  }
  return encoded;
}

export function storedRaw(noun: string, item: { id?: unknown; raw?: unknown; raw_gz?: unknown }): Record<string, unknown> {
  const raw = decodeRawJson(item);
  if (raw === undefined) throw new Error(`${noun} item ${String(item.id)} has neither raw nor raw_gz`);
  return raw as Record<string, unknown>;
}

/**
 * The item as it fits DynamoDB's 400 KB: untouched when it does, else without `trimmable` (a flat list the raw payload
 * also holds), named in `trimmed_details`; RecordTooLargeError when even that does not fit.
 */
export function fittedItem<T extends object>(noun: string, item: T & { id: string }, trimmable: keyof T & string): T {
  const bytes = itemBytes(item);
  if (bytes <= MAX_ITEM_BYTES) return item;
  const { [trimmable]: _left, ...kept } = item;
  const trimmed = { ...kept, trimmed_details: [trimmable] } as unknown as T;
  const trimmedBytes = itemBytes(trimmed);
  if (trimmedBytes <= MAX_ITEM_BYTES) return trimmed;
  throw new RecordTooLargeError(
    `${noun} ${item.id}: ${bytes} bytes as an item, still ${trimmedBytes} without its ${trimmable}, ` +
      'more than a DynamoDB item can hold (400 KB)',
  );
}

/**
 * Why this record cannot be an item, or null: `item` builds it (with the longest write metadata) and throws
 * RecordTooLargeError when it does not fit.
 */
export function unstorableReason(item: () => unknown): string | null {
  try {
    item();
    return null;
  } catch (error) {
    if (error instanceof RecordTooLargeError) return error.message;
    throw error;
  }
}

/**
 * The write metadata at its longest, to size a record before its write is known: a run id is well under 150
 * characters (execution-name.ts), its write tag that plus the page; a digest is 22 characters.
 */
export const SIZING_WRITE = {
  syncedAt: '2000-01-01T00:00:00.000000Z',
  readAt: '2000-01-01T00:00:00.000000Z',
  digest: 'd'.repeat(22),
  writeTag: 'w'.repeat(200),
  kind: 'inserted',
  replaces: null,
} as const;
