// Sorts one page of orders against what the store holds: which to write (new or changed) and the exact
// counts. Pure; Instants compare as strings because their form is fixed width.
import type { Instant, Order } from './order';
import type { StoredVersion } from './ports';
import { ZERO_COUNTS } from './counts';
import type { RunCounts } from './run-types';

export interface ClassifiedPage {
  /** At most one write per order id, in the order the ids first appear in the page. */
  writes: Array<{ order: Order; kind: 'inserted' | 'updated'; replaces: Instant | null }>;
  /** fetched = inserted + updated + unchanged + stale, always (quarantined: 0, the page step counts those). */
  counts: RunCounts;
  /** Newest updatedAt in the page; null for an empty page. */
  maxRecordTime: Instant | null;
}

type Outcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

/** What to do with the newest incoming version of an order, given what the store holds of it. */
function classifyOne(order: Order, stored: StoredVersion | undefined, writeTag: string): { outcome: Outcome; write: boolean } {
  if (stored === undefined) return { outcome: 'inserted', write: true };
  const newer = order.updatedAt > stored.updatedAt;
  // An earlier attempt of this very page stored it, and that attempt's counts were never saved:
  // count it as that attempt did, so a retried page ends with the same counts as a single one.
  if (stored.writeTag === writeTag && (stored.writeKind === 'inserted' || stored.writeKind === 'updated')) {
    return { outcome: stored.writeKind, write: newer };
  }
  // A tombstone: a version made after the deletion brings the order back (a source that undid it); any other is stale,
  // but over a tombstone reconciliation inferred (a lagging replica's wrong "absent"), any version seen live is the truth.
  if (stored.deletedAt !== null) {
    return newer || stored.inferred === true ? { outcome: 'inserted', write: true } : { outcome: 'stale', write: false };
  }
  if (newer) return { outcome: 'updated', write: true };
  return { outcome: order.updatedAt === stored.updatedAt ? 'unchanged' : 'stale', write: false };
}

/**
 * Classify a page. The same id twice in one page (it changed while the source paged) keeps its newest
 * version; the copy it supersedes counts as stale (older) or unchanged (same updatedAt), never as a write.
 */
export function classifyPage(orders: readonly Order[], stored: ReadonlyMap<string, StoredVersion>, writeTag: string): ClassifiedPage {
  const counts: RunCounts = { ...ZERO_COUNTS, fetched: orders.length };
  let maxRecordTime: Instant | null = null;
  const newestById = new Map<string, Order>();
  for (const order of orders) {
    if (maxRecordTime === null || order.updatedAt > maxRecordTime) maxRecordTime = order.updatedAt;
    const seen = newestById.get(order.id);
    if (seen === undefined) {
      newestById.set(order.id, order);
    } else if (order.updatedAt > seen.updatedAt) {
      counts.stale++;
      newestById.set(order.id, order);
    } else {
      counts[order.updatedAt === seen.updatedAt ? 'unchanged' : 'stale']++;
    }
  }

  const writes: ClassifiedPage['writes'] = [];
  for (const order of newestById.values()) {
    const storedVersion = stored.get(order.id);
    const { outcome, write } = classifyOne(order, storedVersion, writeTag);
    counts[outcome]++;
    // Over a tombstone the write replaces no live version: it lands over nothing or a tombstone deleted before it.
    const replaces = storedVersion?.deletedAt === null ? storedVersion.updatedAt : null;
    if (write) writes.push({ order, kind: outcome === 'inserted' ? 'inserted' : 'updated', replaces });
  }
  return { writes, counts, maxRecordTime };
}
