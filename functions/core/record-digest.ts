// What a record holds, as one short stable hash: two reads with one `updated_at` are the same version only when their
// digests match (a source may stamp two versions in one second).
import { createHash } from 'node:crypto';
import type { SyncRecord } from './record';

/** JSON with every object's keys sorted: the same content gives the same text whatever record a mapping built it in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The digest of the normalised record (its `raw` left out: the paged and the bulk Shopify queries shape the same record
 * differently, and only what the copy stores flat tells versions apart). SHA-256, base64url, first 16 bytes.
 */
export function recordDigest(record: SyncRecord): string {
  const { raw: _raw, ...normalised } = record;
  return createHash('sha256').update(canonicalJson(normalised)).digest('base64url').slice(0, 22);
}
