// A page's record writes, each conditional on the stored version it was classified against, and what a refused write
// (another write got there first) does to the page's counts.
import { classifyPage, type ClassifiedPage } from './classify';
import { addCounts, ZERO_COUNTS } from './counts';
import type { Instant } from './order';
import type { Log, RecordStore, StoredVersion } from './ports';
import type { RunCounts } from './run-types';
import type { SalesOrder } from './analytics/daily-sales';
import type { LocalDay } from './analytics/local-day';
import { touchAgain, writeSalesEntries, type SalesWriteDeps } from './analytics/write-sales-entries';

/**
 * Write the classified records. A refused write met a version stored after our read (a zombie step, or the live run
 * when we are the zombie): the record is classified again against what is stored now and, when still newer, written
 * once more; refused again, it counts as stale. Keeps `versions` as the store now holds them; answers the change to
 * the page's counts.
 */
export async function writeRecords(
  deps: { records: RecordStore; log: Log; sales?: SalesWriteDeps },
  writes: ClassifiedPage['writes'],
  { versions, writeTag, syncedAt, readAt }: { versions: Map<string, StoredVersion>; writeTag: string; syncedAt: Instant; readAt: Instant },
): Promise<RunCounts> {
  let change: RunCounts = { ...ZERO_COUNTS };
  let pending = writes;
  for (let round = 1; pending.length > 0; round++) {
    // The daily sales' entries first (the orders stream only: its records are orders), then the orders, then their
    // days touched again.
    let salesDays: LocalDay[] = [];
    if (deps.sales) {
      const sales = pending.map(({ record }) => ({
        orderId: record.id,
        order: record as unknown as SalesOrder,
        version: { updatedAt: record.updatedAt, deletedAt: null, readAt },
      }));
      salesDays = await writeSalesEntries(deps.sales, sales, writeTag);
    }
    const { refusedIds } = await deps.records.putRecords(pending.map((write) => ({ ...write, writeTag, syncedAt, readAt })));
    if (deps.sales) await touchAgain(deps.sales, salesDays);
    const refusedSet = new Set(refusedIds);
    for (const { record, kind, digest } of pending) {
      if (!refusedSet.has(record.id))
        versions.set(record.id, { id: record.id, updatedAt: record.updatedAt, deletedAt: null, writeTag, writeKind: kind, digest, readAt });
    }
    if (refusedIds.length === 0) break;
    const refused = pending.filter(({ record }) => refusedSet.has(record.id));
    for (const { kind } of refused) change[kind]--;
    deps.log.warn('record writes refused: another write stored these records after our read', { ids: refusedIds, round });
    if (round === 2) {
      change.stale += refused.length;
      break;
    }
    const storedNow = await deps.records.getVersions(refusedIds);
    for (const id of refusedIds) {
      const version = storedNow.get(id);
      if (version) versions.set(id, version);
      else versions.delete(id);
    }
    const again = classifyPage(
      refused.map(({ record }) => record),
      storedNow,
      writeTag,
      readAt,
    );
    change = addCounts(change, { ...again.counts, fetched: 0 });
    pending = again.writes;
  }
  return change;
}
