// A run's counts: adding a page's to the run's, and counting what an earlier attempt of a page wrote (its write tag).
import type { StoredVersion, WriteKind } from './ports';
import type { RunCounts } from './run-types';

export const ZERO_COUNTS: RunCounts = Object.freeze({
  fetched: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  stale: 0,
  quarantined: 0,
  deleted: 0,
});

export function addCounts(a: RunCounts, b: RunCounts): RunCounts {
  return {
    fetched: a.fetched + b.fetched,
    inserted: a.inserted + b.inserted,
    updated: a.updated + b.updated,
    unchanged: a.unchanged + b.unchanged,
    stale: a.stale + b.stale,
    // `?? 0`: a run saved before quarantine existed (resumed after a deploy) has no such count.
    quarantined: (a.quarantined ?? 0) + (b.quarantined ?? 0),
    deleted: (a.deleted ?? 0) + (b.deleted ?? 0),
  };
}

/**
 * What the write tagged `writeTag` (one page of one run) did to these ids, as their stored versions still say: an
 * id rewritten since by another write, or never written, counts nothing.
 */
export function countsOfWrite(ids: readonly string[], stored: ReadonlyMap<string, StoredVersion>, writeTag: string): RunCounts {
  let inserted = 0;
  let updated = 0;
  for (const id of new Set(ids)) {
    const version = stored.get(id);
    if (version?.writeTag !== writeTag) continue;
    if (version.writeKind === 'inserted') inserted++;
    else if (version.writeKind === 'updated') updated++;
  }
  return { ...ZERO_COUNTS, fetched: inserted + updated, inserted, updated };
}

/** What a write of this kind adds to the order counter, which counts live orders (tombstones left out). */
export function counterChangeOf(kind: WriteKind | null): number {
  return kind === 'inserted' ? 1 : kind === 'deleted' ? -1 : 0;
}

/**
 * Of these ids, the ones whose write tagged `writeTag` moved the order counter (an insert, or a live order turned into
 * a tombstone), as their stored versions still say (each once).
 */
export function idsCountedBy(ids: readonly string[], stored: ReadonlyMap<string, StoredVersion>, writeTag: string): string[] {
  return [...new Set(ids)].filter((id) => {
    const version = stored.get(id);
    return version?.writeTag === writeTag && counterChangeOf(version.writeKind) !== 0;
  });
}

/** What the writes tagged `writeTag` to these ids added to the order counter, as their stored versions still say. */
export function counterChangeBy(ids: readonly string[], stored: ReadonlyMap<string, StoredVersion>, writeTag: string): number {
  return idsCountedBy(ids, stored, writeTag).reduce((sum, id) => sum + counterChangeOf(stored.get(id)!.writeKind), 0);
}
