// A page's order writes, each conditional on the stored version it was classified against, and what a refused write
// (another write got there first) does to the page's counts.
import { classifyPage, type ClassifiedPage } from './classify';
import { addCounts, ZERO_COUNTS } from './counts';
import type { Instant } from './order';
import type { Log, OrderStore, StoredVersion } from './ports';
import type { RunCounts } from './run-types';

/**
 * Write the classified orders. A refused write met a version stored after our read (a zombie step, or the live run
 * when we are the zombie): the order is classified again against what is stored now and, when still newer, written
 * once more; refused again, it counts as stale. Keeps `versions` as the store now holds them; answers the change to
 * the page's counts.
 */
export async function writeOrders(
  deps: { orders: OrderStore; log: Log },
  writes: ClassifiedPage['writes'],
  { versions, writeTag, syncedAt, readAt }: { versions: Map<string, StoredVersion>; writeTag: string; syncedAt: Instant; readAt: Instant },
): Promise<RunCounts> {
  let change: RunCounts = { ...ZERO_COUNTS };
  let pending = writes;
  for (let round = 1; pending.length > 0; round++) {
    const { refusedIds } = await deps.orders.putOrders(pending.map((write) => ({ ...write, writeTag, syncedAt, readAt })));
    const refusedSet = new Set(refusedIds);
    for (const { order, kind, digest } of pending) {
      if (!refusedSet.has(order.id))
        versions.set(order.id, { id: order.id, updatedAt: order.updatedAt, deletedAt: null, writeTag, writeKind: kind, digest, readAt });
    }
    if (refusedIds.length === 0) break;
    const refused = pending.filter(({ order }) => refusedSet.has(order.id));
    for (const { kind } of refused) change[kind]--;
    deps.log.warn('order writes refused: another write stored these orders after our read', { ids: refusedIds, round });
    if (round === 2) {
      change.stale += refused.length;
      break;
    }
    const storedNow = await deps.orders.getVersions(refusedIds);
    for (const id of refusedIds) {
      const version = storedNow.get(id);
      if (version) versions.set(id, version);
      else versions.delete(id);
    }
    const again = classifyPage(
      refused.map(({ order }) => order),
      storedNow,
      writeTag,
      readAt,
    );
    change = addCounts(change, { ...again.counts, fetched: 0 });
    pending = again.writes;
  }
  return change;
}
