// The quarantine (docs/design.md "Quarantine"): an order that breaks the contract, or cannot be stored, is set aside
// beside the stream's state with its raw payload and its error, so the rest of its page and of the run goes on; it
// leaves the quarantine when the source sends it valid. Here: what the connectors reject and what a page step writes.
import { createHash } from 'node:crypto';
import { InvalidRecordError } from './errors';
import { isInstantString, toInstant } from './instant';
import type { Instant } from './order';
import type { SyncRecord } from './record';

/** One order of a page that the connector could not take: what the source sent, and why not. */
export interface RejectedRecord {
  /** The order's id; null when it has none usable (it is then keyed by its payload). */
  id: string | null;
  /** The payload as the source sent it (for Shopify, the Order node). */
  raw: unknown;
  /** The field at fault, as the source names it. */
  field: string;
  /** The error, naming the order and the field. */
  message: string;
  /**
   * How many valid orders of the page came before it: where it stood in the page, so that when a page holds two
   * versions of one order (it changed while the source paged), the later one decides.
   */
  position: number;
  /**
   * The rejected version's `updated_at` when it can be read (null: it cannot, the field at fault is that one): an
   * older valid version (a days-old export snapshot) must not release it.
   */
  updatedAt?: Instant | null;
}

/** A quarantined order as the store keeps it. */
export interface QuarantineEntry {
  /** `order#<id>`, or `payload#<sha256 prefix>` for an order with no usable id (quarantineKey). */
  key: string;
  id: string | null;
  raw: unknown;
  field: string;
  message: string;
  firstSeenAt: Instant;
  firstSeenRun: string;
  lastSeenAt: Instant;
  lastSeenRun: string;
  /** The older valid version the orders table holds of it: the copy is behind on this order. Null when none. */
  storedUpdatedAt: Instant | null;
  /** The rejected version's `updated_at` (null: unreadable): only a valid version at least as new releases the entry. */
  rejectedUpdatedAt: Instant | null;
}

/**
 * What the page step needs to know of a held entry to keep it exact: when it was first seen, by which run, and the
 * rejected version's `updated_at` (null: unknown, or an entry written before it was kept).
 */
export interface QuarantineMark {
  firstSeenAt: Instant;
  firstSeenRun: string;
  rejectedUpdatedAt: Instant | null;
}

/** How many quarantined orders the status lists, and a notification names: the newest. */
export const QUARANTINE_LISTED = 20;

/** One entry as the status lists it. */
export interface QuarantinedOrderView {
  /** The order id; for an order with no usable id, the key derived from its payload (`payload-sha256:…`). */
  id: string;
  idFromPayload: boolean;
  field: string;
  message: string;
  /** When it was last seen (the newest entries first). */
  seenAt: Instant;
  firstSeenAt: Instant;
  storedUpdatedAt: Instant | null;
  /** False when even gzip-compressed the payload was too big to keep: only its size and digest are. */
  rawKept: boolean;
}

export interface QuarantineSummary {
  /** Every entry of the stream. */
  count: number;
  /** The newest entries (by last seen), newest first. */
  newest: QuarantinedOrderView[];
}

/**
 * The orders a commit announces: those first seen since the stream's previous commit (by this run, or by a run that
 * failed or was parked since), each once. An order released and quarantined again is new again.
 */
export interface NewlyQuarantined {
  /** All of them. */
  count: number;
  /** The newest of them by first seen (at most the status's 20): what the notification names. */
  orders: Array<Pick<QuarantinedOrderView, 'id' | 'field' | 'message'>>;
  /**
   * The same, one line per order, and how many more there are: the notification's list as text, since the state
   * machine's JSONPath intrinsics cannot join a list (and the local interpreter mangles States.JsonToString's quotes).
   */
  listing: string;
}

/** What a commit announces of the entries first seen since the previous commit; null when there are none. */
export function newlyQuarantinedOf(firstSeen: QuarantineSummary): NewlyQuarantined | null {
  if (firstSeen.count === 0) return null;
  const orders = firstSeen.newest.map(({ id, field, message }) => ({ id, field, message }));
  const more = firstSeen.count - orders.length;
  const lines = orders.map((order) => `- ${order.id} (${order.field}): ${order.message}`);
  if (more > 0) lines.push(`- and ${more} more`);
  return { count: firstSeen.count, orders, listing: lines.join('\n') };
}

/** The record if `accept` takes it; else, when it throws InvalidRecordError, the rejection (any other error passes). */
export function screenRecord<R extends SyncRecord>(
  input: unknown,
  accept: (input: unknown) => R,
  position: number,
): { record: R } | { rejected: RejectedRecord } {
  try {
    return { record: accept(input) };
  } catch (error) {
    if (!(error instanceof InvalidRecordError)) throw error;
    const id = error.recordId === '' ? null : error.recordId;
    return { rejected: { id, raw: input, field: error.field, message: error.message, position, updatedAt: updatedAtOf(input) } };
  }
}

/** The `updated_at` (`updatedAt` for Shopify's nodes) of a payload, when it is a valid timestamp; else null. */
export function updatedAtOf(raw: unknown): Instant | null {
  if (raw === null || typeof raw !== 'object') return null;
  const record = raw as Record<string, unknown>;
  const value = record.updated_at ?? record.updatedAt;
  return typeof value === 'string' && isInstantString(value) ? toInstant(value) : null;
}

export function recordKey(id: string): string {
  return `id#${id}`;
}

/** The digest that names an order with no usable id: the same payload, the same key, so a retry finds its entry. */
export function payloadDigest(raw: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(raw) ?? String(raw))
    .digest('hex')
    .slice(0, 32);
}

export function quarantineKey(rejected: Pick<RejectedRecord, 'id' | 'raw'>): string {
  return rejected.id === null ? `payload#${payloadDigest(rejected.raw)}` : recordKey(rejected.id);
}

/** How the status names an entry: its order id, or the key derived from its payload. */
export function shownId(entry: Pick<QuarantineEntry, 'key' | 'id'>): string {
  return entry.id ?? entry.key.replace(/^payload#/, 'payload-sha256:');
}

/** A valid version later in the page supersedes the rejected one (the source fixed it while we paged). */
function supersededInPage(rejected: RejectedRecord, lastValidIndex: ReadonlyMap<string, number>): boolean {
  const validAt = rejected.id === null ? undefined : lastValidIndex.get(rejected.id);
  return validAt !== undefined && validAt >= rejected.position;
}

export interface QuarantinePlan {
  /** Entries to write (one per key: the page's last rejected version of it). */
  put: QuarantineEntry[];
  /**
   * Keys to release: held entries whose order the page holds valid, later than any rejected version of it in the
   * page, and whose stored version is now at least as new as the rejected one.
   */
  release: string[];
}

/**
 * What one page does to the quarantine. Every rejected order of the page is (re)quarantined, keeping when it was
 * first seen, unless the held entry is of a newer rejected version (an old snapshot does not replace it); a held
 * order that the page holds valid (its last version in the page) is released once the stored version is at least as
 * new as the rejected one: an older valid version (a resumed export's days-old snapshot) leaves it held.
 * `storedUpdatedAt` names the newest valid version the orders table holds once the page's writes are done.
 */
export function planQuarantine(input: {
  records: readonly SyncRecord[];
  rejected: readonly RejectedRecord[];
  held: ReadonlyMap<string, QuarantineMark>;
  storedUpdatedAt: (id: string) => Instant | null;
  runId: string;
  now: Instant;
}): QuarantinePlan {
  const lastValidIndex = new Map<string, number>();
  input.records.forEach((record, index) => lastValidIndex.set(record.id, index));
  const lastRejected = new Map<string, RejectedRecord>();
  for (const rejected of input.rejected) lastRejected.set(quarantineKey(rejected), rejected);

  const put: QuarantineEntry[] = [];
  for (const [key, rejected] of lastRejected) {
    if (supersededInPage(rejected, lastValidIndex)) continue;
    const mark = input.held.get(key);
    const updatedAt = rejected.updatedAt ?? null;
    if (updatedAt !== null && mark?.rejectedUpdatedAt != null && updatedAt < mark.rejectedUpdatedAt) continue;
    put.push({
      key,
      id: rejected.id,
      raw: rejected.raw,
      field: rejected.field,
      message: rejected.message,
      firstSeenAt: mark?.firstSeenAt ?? input.now,
      firstSeenRun: mark?.firstSeenRun ?? input.runId,
      lastSeenAt: input.now,
      lastSeenRun: input.runId,
      storedUpdatedAt: rejected.id === null ? null : input.storedUpdatedAt(rejected.id),
      rejectedUpdatedAt: updatedAt,
    });
  }
  // Rejected in the page and not superseded by a later valid version there: held, whatever was put.
  const staying = new Set([...lastRejected].filter(([, rejected]) => !supersededInPage(rejected, lastValidIndex)).map(([key]) => key));
  const release = [...lastValidIndex.keys()].filter((id) => {
    const mark = input.held.get(recordKey(id));
    if (!mark || staying.has(recordKey(id))) return false;
    const stored = input.storedUpdatedAt(id);
    return mark.rejectedUpdatedAt === null || (stored !== null && stored >= mark.rejectedUpdatedAt);
  });
  return { put, release: release.map(recordKey) };
}
