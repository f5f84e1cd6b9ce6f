// Sorts one page of records against what the store holds: which to write (new or changed) and the exact
// counts. Pure; Instants compare as strings because their form is fixed width.
import type { Instant } from './order';
import type { SyncRecord } from './record';
import { recordDigest } from './record-digest';
import type { StoredVersion } from './ports';
import { ZERO_COUNTS } from './counts';
import type { RunCounts } from './run-types';

export interface ClassifiedPage<R extends SyncRecord = SyncRecord> {
  /** At most one write per record id, in the record the ids first appear in the page. */
  writes: Array<{ record: R; kind: 'inserted' | 'updated'; replaces: Instant | null; digest: string }>;
  /** fetched = inserted + updated + unchanged + stale, always (quarantined: 0, the page step counts those). */
  counts: RunCounts;
  /** Newest updatedAt in the page; null for an empty page. */
  maxRecordTime: Instant | null;
}

type Outcome = 'inserted' | 'updated' | 'unchanged' | 'stale';

/** An incoming version of a record, with what tells it from another of the same `updated_at`. */
interface Incoming<R extends SyncRecord = SyncRecord> {
  record: R;
  digest: string;
}

/**
 * How an incoming version compares with the stored one: `newer` (a later `updated_at`, or the same one with other
 * content read after the stored version), `same` (same `updated_at` and content), or `older` (an earlier
 * `updated_at`, or other content read no later than the stored version: a zombie's read). A stored version without
 * a digest (written before digests were kept) is taken as the same content when the `updated_at` matches.
 */
function compare(incoming: Incoming, readAt: Instant, stored: StoredVersion): 'newer' | 'same' | 'older' {
  const { updatedAt } = incoming.record;
  if (updatedAt !== stored.updatedAt) return updatedAt > stored.updatedAt ? 'newer' : 'older';
  if (stored.digest === null || stored.digest === incoming.digest) return 'same';
  return stored.readAt === null || stored.readAt < readAt ? 'newer' : 'older';
}

/** What to do with the newest incoming version of a record, given what the store holds of it. */
function classifyOne(
  incoming: Incoming,
  readAt: Instant,
  stored: StoredVersion | undefined,
  writeTag: string,
): { outcome: Outcome; write: boolean } {
  if (stored === undefined) return { outcome: 'inserted', write: true };
  // A tombstone: a version made after the deletion brings the record back (a source that undid it); any other is stale,
  // but over a tombstone reconciliation inferred (a lagging replica's wrong "absent"), any version seen live is the truth.
  if (stored.deletedAt !== null) {
    return incoming.record.updatedAt > stored.updatedAt || stored.inferred === true
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
export function classifyPage<R extends SyncRecord>(
  records: readonly R[],
  stored: ReadonlyMap<string, StoredVersion>,
  writeTag: string,
  readAt: Instant,
): ClassifiedPage<R> {
  const counts: RunCounts = { ...ZERO_COUNTS, fetched: records.length };
  let maxRecordTime: Instant | null = null;
  const newestById = new Map<string, Incoming<R>>();
  for (const record of records) {
    if (maxRecordTime === null || record.updatedAt > maxRecordTime) maxRecordTime = record.updatedAt;
    const incoming = { record, digest: recordDigest(record) };
    const seen = newestById.get(record.id);
    if (seen === undefined) {
      newestById.set(record.id, incoming);
    } else if (
      record.updatedAt > seen.record.updatedAt ||
      (record.updatedAt === seen.record.updatedAt && incoming.digest !== seen.digest)
    ) {
      counts.stale++;
      newestById.set(record.id, incoming);
    } else {
      counts[record.updatedAt === seen.record.updatedAt ? 'unchanged' : 'stale']++;
    }
  }

  const writes: ClassifiedPage<R>['writes'] = [];
  for (const incoming of newestById.values()) {
    const storedVersion = stored.get(incoming.record.id);
    const { outcome, write } = classifyOne(incoming, readAt, storedVersion, writeTag);
    counts[outcome]++;
    // Over a tombstone the write replaces no live version: it lands over nothing or a tombstone deleted before it.
    const replaces = storedVersion?.deletedAt === null ? storedVersion.updatedAt : null;
    if (write)
      writes.push({ record: incoming.record, kind: outcome === 'inserted' ? 'inserted' : 'updated', replaces, digest: incoming.digest });
  }
  return { writes, counts, maxRecordTime };
}
