// Sorts one page of orders against what the store holds: which to write (new or changed) and the exact
// counts. Pure; Instants compare as strings because their form is fixed width.
import type { Instant, Order } from './order';
import { orderDigest } from './order-digest';
import type { StoredVersion } from './ports';
import { ZERO_COUNTS } from './counts';
import type { RunCounts } from './run-types';

export interface ClassifiedPage {
  /** At most one write per order id, in the order the ids first appear in the page. */
  writes: Array<{ order: Order; kind: 'inserted' | 'updated'; replaces: Instant | null; digest: string }>;
  /** fetched = inserted + updated + unchanged + stale, always (quarantined: 0, the page step counts those). */
  counts: RunCounts;
  /** Newest updatedAt in the page; null for an empty page. */
  maxRecordTime: Instant | null;
}

type Outcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

/** An incoming version of an order, with what tells it from another of the same `updated_at`. */
interface Incoming {
  order: Order;
  digest: string;
}

/**
 * How an incoming version compares with the stored one: `newer` (a later `updated_at`, or the same one with other
 * content read after the stored version), `same` (same `updated_at` and content), or `older` (an earlier
 * `updated_at`, or other content read no later than the stored version: a zombie's read). A stored version without
 * a digest (written before digests were kept) is taken as the same content when the `updated_at` matches.
 */
function compare(incoming: Incoming, readAt: Instant, stored: StoredVersion): 'newer' | 'same' | 'older' {
  const { updatedAt } = incoming.order;
  if (updatedAt !== stored.updatedAt) return updatedAt > stored.updatedAt ? 'newer' : 'older';
  if (stored.digest === null || stored.digest === incoming.digest) return 'same';
  return stored.readAt === null || stored.readAt < readAt ? 'newer' : 'older';
}

/** What to do with the newest incoming version of an order, given what the store holds of it. */
function classifyOne(
  incoming: Incoming,
  readAt: Instant,
  stored: StoredVersion | undefined,
  writeTag: string,
): { outcome: Outcome; write: boolean } {
  if (stored === undefined) return { outcome: 'inserted', write: true };
  // A tombstone: a version made after the deletion brings the order back (a source that undid it); any other is stale,
  // but over a tombstone reconciliation inferred (a lagging replica's wrong "absent"), any version seen live is the truth.
  if (stored.deletedAt !== null) {
    return incoming.order.updatedAt > stored.updatedAt || stored.inferred === true
      ? { outcome: 'inserted', write: true }
      : { outcome: 'stale', write: false };
  }
  const comparison = compare(incoming, readAt, stored);
  // An earlier attempt of this very page stored it, and that attempt's counts were never saved:
  // count it as that attempt did, so a retried page ends with the same counts as a single one.
  if (stored.writeTag === writeTag && (stored.writeKind === 'inserted' || stored.writeKind === 'updated')) {
    return { outcome: stored.writeKind, write: comparison === 'newer' };
  }
  if (comparison === 'newer') return { outcome: 'updated', write: true };
  return { outcome: comparison === 'same' ? 'unchanged' : 'stale', write: false };
}

/**
 * Classify a page read from the source at `readAt`. The same id twice in one page (it changed while the source
 * paged) keeps its newest version, the later one on a tie of `updated_at` with other content; the copy it supersedes
 * counts as stale (older or other content) or unchanged (the same version), never as a write.
 */
export function classifyPage(
  orders: readonly Order[],
  stored: ReadonlyMap<string, StoredVersion>,
  writeTag: string,
  readAt: Instant,
): ClassifiedPage {
  const counts: RunCounts = { ...ZERO_COUNTS, fetched: orders.length };
  let maxRecordTime: Instant | null = null;
  const newestById = new Map<string, Incoming>();
  for (const order of orders) {
    if (maxRecordTime === null || order.updatedAt > maxRecordTime) maxRecordTime = order.updatedAt;
    const incoming = { order, digest: orderDigest(order) };
    const seen = newestById.get(order.id);
    if (seen === undefined) {
      newestById.set(order.id, incoming);
    } else if (order.updatedAt > seen.order.updatedAt || (order.updatedAt === seen.order.updatedAt && incoming.digest !== seen.digest)) {
      counts.stale++;
      newestById.set(order.id, incoming);
    } else {
      counts[order.updatedAt === seen.order.updatedAt ? 'unchanged' : 'stale']++;
    }
  }

  const writes: ClassifiedPage['writes'] = [];
  for (const incoming of newestById.values()) {
    const storedVersion = stored.get(incoming.order.id);
    const { outcome, write } = classifyOne(incoming, readAt, storedVersion, writeTag);
    counts[outcome]++;
    // Over a tombstone the write replaces no live version: it lands over nothing or a tombstone deleted before it.
    const replaces = storedVersion?.deletedAt === null ? storedVersion.updatedAt : null;
    if (write)
      writes.push({ order: incoming.order, kind: outcome === 'inserted' ? 'inserted' : 'updated', replaces, digest: incoming.digest });
  }
  return { writes, counts, maxRecordTime };
}
