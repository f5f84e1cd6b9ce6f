// Turning deleted orders into tombstones: each write conditional on what the store held when it was classified, so a
// tombstone never lands over a version made after the deletion, and a repeat (a retried step) writes nothing.
import type { Deletion, Log, RecordStore, StoredVersion, TombstoneWrite } from './ports';
import type { LocalDay } from './analytics/local-day';
import { touchAgain, writeSalesEntries, type SalesWriteDeps } from './analytics/write-sales-entries';

/**
 * Write a tombstone for each deletion, classified against `versions` (which must hold every stored version of these
 * ids, and is kept as the store now holds them): over a live version not newer than the deletion (kind `deleted`),
 * over nothing (`deleted-absent`: a late page can no longer bring the order in); never over a tombstone, nor over a
 * live version made after the deletion (a source that undid it). A write refused because another one got there first
 * is classified again against what is stored now, and tried once more.
 */
export async function writeTombstones(
  deps: { records: Pick<RecordStore, 'getVersions' | 'putTombstones'>; log: Log; sales?: SalesWriteDeps },
  deletions: readonly Deletion[],
  { versions, writeTag, syncedAt }: { versions: Map<string, StoredVersion>; writeTag: string; syncedAt: string },
): Promise<void> {
  let pending = [...earliestPerId(deletions).values()];
  for (let round = 1; pending.length > 0; round++) {
    const writes = pending.flatMap((deletion) => tombstoneFor(deletion, versions.get(deletion.id), writeTag, syncedAt));
    if (writes.length === 0) return;
    let salesDays: LocalDay[] = [];
    if (deps.sales) {
      const sales = writes.map(({ id, deletedAt, inferred }) => ({
        orderId: id,
        order: null,
        version: { updatedAt: deletedAt, deletedAt, readAt: null, ...(inferred ? { inferred } : {}) },
      }));
      salesDays = await writeSalesEntries(deps.sales, sales, writeTag);
    }
    const { refusedIds } = await deps.records.putTombstones(writes);
    if (deps.sales) await touchAgain(deps.sales, salesDays);
    const refused = new Set(refusedIds);
    for (const write of writes) {
      if (refused.has(write.id)) continue;
      versions.set(write.id, {
        id: write.id,
        updatedAt: write.deletedAt,
        deletedAt: write.deletedAt,
        writeTag,
        writeKind: write.kind,
        digest: null,
        readAt: null,
        ...(write.inferred ? { inferred: true } : {}),
      });
    }
    if (refusedIds.length === 0) return;
    deps.log.warn('tombstone writes refused: another write stored these records after our read', { ids: refusedIds, round });
    if (round === 2) return;
    const storedNow = await deps.records.getVersions(refusedIds);
    for (const id of refusedIds) {
      const version = storedNow.get(id);
      if (version) versions.set(id, version);
      else versions.delete(id);
    }
    pending = pending.filter((deletion) => refused.has(deletion.id));
  }
}

function tombstoneFor(deletion: Deletion, stored: StoredVersion | undefined, writeTag: string, syncedAt: string): TombstoneWrite[] {
  const base = { id: deletion.id, deletedAt: deletion.deletedAt, writeTag, syncedAt, ...(deletion.inferred ? { inferred: true } : {}) };
  if (stored === undefined) return [{ ...base, kind: 'deleted-absent', replaces: null }];
  if (stored.deletedAt !== null || stored.updatedAt > deletion.deletedAt) return [];
  return [{ ...base, kind: 'deleted', replaces: stored.updatedAt }];
}

/** One deletion per id (a feed never lists an id twice, but a page joined with a retry's ids might): the earliest. */
function earliestPerId(deletions: readonly Deletion[]): Map<string, Deletion> {
  const byId = new Map<string, Deletion>();
  for (const deletion of deletions) {
    const kept = byId.get(deletion.id);
    if (!kept || deletion.deletedAt < kept.deletedAt) byId.set(deletion.id, deletion);
  }
  return byId;
}

/** Of these ids, how many the write tagged `writeTag` turned from live orders into tombstones (each once). */
export function deletedBy(ids: readonly string[], versions: ReadonlyMap<string, StoredVersion>, writeTag: string): number {
  return [...new Set(ids)].filter((id) => {
    const version = versions.get(id);
    return version?.writeTag === writeTag && version.writeKind === 'deleted';
  }).length;
}
