// Opaque keyset cursors: base64url of {u: updated_at, i: id, f: filters hash}. A cursor carries its filters and its walk
// (a stream's pages or its deletion feed) so that a request mixing a cursor with other filters, or sending it to
// another route, is refused (docs/source-contract.md "GET /orders").
import { createHash } from 'node:crypto';
import type { Position } from './record-table';
import type { RecordIds } from './record-ids';
import { microsToInstant, parseTimestampMicros } from './time';

/** The filters of a walk, as epoch microseconds; null when not given. */
export interface Filters {
  minMicros: number | null;
  maxMicros: number | null;
}

/** Which walk a cursor belongs to: a stream's pages (`orders`) or its deletion feed (`orders/deleted`). */
export type CursorScope = string;

/** Short digest of the filters and the walk: compared as instants, so the same bound in another offset is the same walk. */
export function filtersHash(filters: Filters, scope: CursorScope): string {
  return createHash('sha256')
    .update(`${scope}|${filters.minMicros ?? ''}|${filters.maxMicros ?? ''}`)
    .digest('base64url')
    .slice(0, 16);
}

/**
 * A cursor for the walk standing after `position` (null: before the first record, as an empty first page leaves it).
 * `serial` tells apart cursors of one position: an empty page leads on with a new cursor, as the contract requires.
 */
export function encodeCursor(position: Position | null, filters: Filters, scope: CursorScope, ids: RecordIds, serial?: number): string {
  const body = position === null ? { u: null, i: null } : { u: microsToInstant(position.updatedMicros), i: ids.idOf(position.index) };
  return Buffer.from(JSON.stringify({ ...body, f: filtersHash(filters, scope), ...(serial === undefined ? {} : { s: serial }) })).toString(
    'base64url',
  );
}

export type DecodedCursor = { ok: true; position: Position | null; filtersHash: string } | { ok: false; problem: string };

/** The position a cursor stands at; refused when it is not one this API issued for a stream of `size` records named by `ids`. */
export function decodeCursor(cursor: string, ids: RecordIds, size: number): DecodedCursor {
  const refused = { ok: false as const, problem: 'cursor is not one this API issued (send next_cursor exactly as received)' };
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return refused;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return refused;
  }
  if (typeof body !== 'object' || body === null) return refused;
  const { u, i, f } = body as Record<string, unknown>;
  if (typeof f !== 'string') return refused;
  if (u === null && i === null) return { ok: true, position: null, filtersHash: f };
  if (typeof u !== 'string' || typeof i !== 'string') return refused;
  const time = parseTimestampMicros(u);
  const index = ids.indexOf(i, size);
  if (!time.ok || index === null) return refused;
  return { ok: true, position: { updatedMicros: time.micros, index }, filtersHash: f };
}
