// A source's raw payload as an item attribute: its JSON as sent when small, gzip-compressed when big, or too big for
// any DynamoDB item (400 KB) even compressed. The orders table and the quarantine table store payloads the same way.
import { gunzipSync, gzipSync } from 'node:zlib';

/** Raw JSON above this many bytes is stored gzip-compressed (`raw_gz`), so orders with hundreds of line items fit. */
export const RAW_GZIP_THRESHOLD_BYTES = 100 * 1024;

/** DynamoDB's item limit is 400 KB; what we allow for `raw_gz` leaves room for the other attributes. */
export const MAX_RAW_GZ_BYTES = 400 * 1024 - 8 * 1024;

export type EncodedRaw = { raw: string } | { raw_gz: Uint8Array } | { tooLarge: { bytes: number; compressedBytes: number } };

export function encodeRawJson(json: string): EncodedRaw {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= RAW_GZIP_THRESHOLD_BYTES) return { raw: json };
  const compressed = gzipSync(json);
  if (compressed.byteLength > MAX_RAW_GZ_BYTES) return { tooLarge: { bytes, compressedBytes: compressed.byteLength } };
  return { raw_gz: compressed };
}

/** The payload of an item written with encodeRawJson; undefined when it kept neither form. */
export function decodeRawJson(item: { raw?: unknown; raw_gz?: unknown }): unknown {
  if (typeof item.raw === 'string') return JSON.parse(item.raw);
  if (item.raw_gz instanceof Uint8Array) return JSON.parse(gunzipSync(item.raw_gz).toString('utf8'));
  return undefined;
}

export function tooLargeMessage(orderId: string, tooLarge: { bytes: number; compressedBytes: number }): string {
  return (
    `order ${orderId}: raw order is ${tooLarge.bytes} bytes (${tooLarge.compressedBytes} gzip-compressed), ` +
    'more than a DynamoDB item can hold (400 KB)'
  );
}
