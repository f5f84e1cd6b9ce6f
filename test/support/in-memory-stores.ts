// In-memory ports for the use cases' unit tests, keeping the real conditions: the sync-state store refuses exactly
// what the DynamoDB one refuses (test/integration/sync-state-store.test.ts runs the same contract against both), the
// order store keeps versions and write tags as DynamoDB items do and refuses the same too-big orders, and the
// quarantine store refuses what a batched DynamoDB call refuses (test/integration/quarantine-store.test.ts).
import { LeaseLostError, NothingToResumeError } from '../../functions/core/errors';
import { leaseLostError } from '../../functions/core/lease';
import { unstorableReason } from '../../functions/adapters/dynamodb/order-item';
import { encodeRawJson } from '../../functions/adapters/dynamodb/raw-payload';
import { slotsChanged } from '../../functions/adapters/dynamodb/sync-state-store';
import type { Instant, Order } from '../../functions/core/order';
import { salesFieldsOf, type DaySales } from '../../functions/core/analytics/daily-sales';
import type { LocalDay } from '../../functions/core/analytics/local-day';
import { entryReplaces, sameVersion, type SalesEntry, type SalesVersion } from '../../functions/core/analytics/sales-entry';
import type {
  BegunRunSave,
  DailySalesStore,
  OrderSalesReader,
  SalesEntryKey,
  StoredSales,
  TouchedDaysStore,
  LeaseAttempt,
  RecordStore,
  RecordWrite,
  PutResult,
  QuarantineStore,
  RunAt,
  StepClaim,
  StoredVersion,
  SyncStateStore,
  TombstoneWrite,
  UnwrittenPage,
} from '../../functions/core/ports';
import { aSyncState } from './run-factory';
import {
  shownId,
  type QuarantineEntry,
  type QuarantineMark,
  type QuarantinedOrderView,
  type QuarantineSummary,
} from '../../functions/core/quarantine';
import type { Checkpoint, Lease, RunOutcome, RunProgress, SyncState } from '../../functions/core/run-types';

type Item = Omit<SyncState, 'stream'>;

/** A stream never seen, as the DynamoDB store reads a missing item. */
function emptyItem(): Item {
  const { stream: _stream, ...item } = aSyncState();
  return item;
}

/** Whether a slot holds the run a save expects there (null: empty), as the DynamoDB condition reads it. */
const holds = (run: RunProgress | null | undefined, expected: RunAt | null): boolean =>
  expected === null ? !run : run?.runId === expected.runId && run.position.step === expected.step;

export class InMemorySyncStateStore implements SyncStateStore {
  private readonly items = new Map<string, Item>();
  /** Every write that changed an item, for tests that count writes. */
  writes = 0;

  async get(stream: string): Promise<SyncState> {
    return { stream, ...structuredClone(this.items.get(stream) ?? emptyItem()) };
  }

  /** Sets an item as a test's arrange step would find it. */
  put(stream: string, item: Partial<Item>): void {
    this.items.set(stream, { ...emptyItem(), ...structuredClone(item) });
  }

  async acquireLease(stream: string, lease: Lease, now: number): Promise<LeaseAttempt> {
    const item = this.item(stream);
    if (item.lease && item.lease.expiresAt > now && item.lease.owner !== lease.owner) return { acquired: false, holder: { ...item.lease } };
    this.write(stream, { ...item, lease: { ...lease } });
    return { acquired: true };
  }

  async takeOverLease(stream: string, lease: Lease, deadOwner: string): Promise<boolean> {
    const item = this.item(stream);
    if (item.lease?.owner !== deadOwner) return false;
    this.write(stream, { ...item, lease: { ...lease } });
    return true;
  }

  async releaseLease(stream: string, owner: string): Promise<void> {
    const item = this.item(stream);
    if (item.lease?.owner === owner) this.write(stream, { ...item, lease: null });
  }

  async saveBegunRun(stream: string, owner: string, progress: RunProgress, save: BegunRunSave): Promise<boolean> {
    const item = this.item(stream);
    if (item.lease?.owner === owner && holds(item.run, save.expectedRun) && holds(item.parked?.run, save.expectedParked)) {
      this.write(stream, {
        ...item,
        run: structuredClone(progress),
        lease: { ...item.lease, expiresAt: save.leaseExpiresAt, executionName: progress.executionName },
        orderCount: item.orderCount + save.orderCountDelta,
        parked: structuredClone(save.parked),
        pendingIds: [...save.pendingIds],
        settledIds: [...save.settledIds],
        ...(save.salesZone !== undefined ? { salesZone: save.salesZone ?? undefined } : {}),
      });
      if (save.salesZone === null) delete this.items.get(stream)!.salesZone;
      return true;
    }
    if (item.lease?.owner !== owner) throw leaseLostError(stream, owner, item.lease);
    if (item.run?.runId === progress.runId) return false;
    throw new NothingToResumeError(`stream ${stream}: run ${progress.runId} could not begin: ${slotsChanged({ stream, ...item }, save)}`);
  }

  async saveProgress(
    stream: string,
    owner: string,
    progress: RunProgress,
    options: { expectedStep: number; orderCountDelta: number; leaseExpiresAt: number },
  ): Promise<boolean> {
    const item = this.item(stream);
    const { expectedStep } = options;
    if (item.lease?.owner === owner && item.run?.runId === progress.runId && item.run.position.step === expectedStep) {
      const clearsPendingIds = progress.position.step !== expectedStep;
      this.write(stream, {
        ...item,
        run: structuredClone(progress),
        lease: { ...item.lease, expiresAt: options.leaseExpiresAt, executionName: progress.executionName },
        orderCount: item.orderCount + options.orderCountDelta,
        pendingIds: clearsPendingIds ? [] : item.pendingIds,
        settledIds: clearsPendingIds ? [] : item.settledIds,
      });
      return true;
    }
    if (item.lease?.owner !== owner) throw leaseLostError(stream, owner, item.lease);
    if (item.run?.runId === progress.runId && item.run.position.step > expectedStep) return false;
    throw new NothingToResumeError(
      `stream ${stream}: run ${progress.runId} expected its saved progress at step ${expectedStep}, ` +
        `but the saved run is ${item.run ? `${item.run.runId} at step ${item.run.position.step}` : 'absent'}`,
    );
  }

  async claim(
    stream: string,
    owner: string,
    at: RunAt,
    ids: readonly string[],
    options: { nowMs: number; leaseExpiresAt: number },
  ): Promise<StepClaim> {
    const item = this.item(stream);
    const live = item.lease?.owner === owner && item.lease.expiresAt > options.nowMs;
    if (live && item.run?.runId === at.runId && item.run.position.step === at.step) {
      this.write(stream, {
        ...item,
        lease: { ...item.lease!, expiresAt: options.leaseExpiresAt },
        pendingIds: [...new Set([...item.pendingIds, ...ids])],
      });
      return {
        kind: 'claimed',
        progress: structuredClone(item.run),
        earlierAttemptIds: [...item.pendingIds],
        settledIds: [...item.settledIds],
      };
    }
    if (!live) throw leaseLostError(stream, owner, item.lease);
    if (item.run?.runId === at.runId && item.run.position.step > at.step)
      return { kind: 'already-saved', progress: structuredClone(item.run) };
    throw new LeaseLostError(
      `stream ${stream}: run ${at.runId} expected its saved progress at step ${at.step}, but the saved run is ` +
        (item.run ? `${item.run.runId} at step ${item.run.position.step}` : 'absent'),
    );
  }

  async commit(stream: string, owner: string, checkpoint: Checkpoint, outcome: RunOutcome): Promise<void> {
    this.finish(stream, owner, outcome, (item) => ({
      ...item,
      checkpoint: structuredClone(checkpoint),
      lastRun: structuredClone(outcome),
      run: null,
      lease: null,
      pendingIds: [],
      settledIds: [],
    }));
  }

  async recordFailure(stream: string, owner: string, failedRun: RunProgress, outcome: RunOutcome): Promise<void> {
    this.finish(stream, owner, outcome, (item) => ({
      ...item,
      run: structuredClone(failedRun),
      lastRun: structuredClone(outcome),
      lease: null,
    }));
  }

  private finish(stream: string, owner: string, outcome: RunOutcome, change: (item: Item) => Item): void {
    const item = this.item(stream);
    if (item.lease?.owner === owner) return this.write(stream, change(item));
    if (item.lastRun?.runId === outcome.runId) return;
    throw leaseLostError(stream, owner, item.lease);
  }

  private item(stream: string): Item {
    return structuredClone(this.items.get(stream) ?? emptyItem());
  }

  private write(stream: string, item: Item): void {
    this.writes++;
    this.items.set(stream, item);
  }
}

/** Orders as the DynamoDB store keeps them: the newest write per id, with its version, write tag and kind; tombstones apart. */
export class InMemoryRecordStore implements RecordStore<Order> {
  readonly items = new Map<string, RecordWrite>();
  /** Deleted orders, by id (an id is in `items` or here, never both). */
  readonly tombstones = new Map<string, TombstoneWrite>();
  /** putRecords calls that wrote something. */
  writeCalls = 0;

  async getVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>> {
    const versions = new Map<string, StoredVersion>();
    for (const id of ids) {
      const write = this.items.get(id);
      const tombstone = this.tombstones.get(id);
      if (write)
        versions.set(id, {
          id,
          updatedAt: write.record.updatedAt,
          deletedAt: null,
          writeTag: write.writeTag,
          writeKind: write.kind,
          digest: write.digest,
          readAt: write.readAt,
        });
      if (tombstone) {
        const { deletedAt, writeTag, kind, inferred } = tombstone;
        versions.set(id, {
          id,
          updatedAt: deletedAt,
          deletedAt,
          writeTag,
          writeKind: kind,
          digest: null,
          readAt: null,
          ...(inferred ? { inferred } : {}),
        });
      }
    }
    return versions;
  }

  async putRecords(writes: readonly RecordWrite<Order>[]): Promise<PutResult> {
    const tooBig = writes.map((write) => unstorableReason(write.record)).find((problem) => problem !== null);
    if (tooBig) throw new Error(`the in-memory order store refuses what DynamoDB cannot hold: ${tooBig}`);
    if (writes.length > 0) this.writeCalls++;
    const refusedIds: string[] = [];
    for (const write of writes) {
      // The DynamoDB store's conditions: over nothing (or a tombstone deleted before the version) when the write saw
      // nothing, else over an older live version only, or one of the same updated_at read before this one.
      const { id, updatedAt } = write.record;
      const stored = this.items.get(id);
      const tombstone = this.tombstones.get(id);
      const lands =
        write.replaces === null
          ? stored === undefined && (tombstone === undefined || tombstone.deletedAt < updatedAt || tombstone.inferred === true)
          : stored !== undefined &&
            (stored.record.updatedAt < updatedAt || (stored.record.updatedAt === updatedAt && stored.readAt < write.readAt));
      if (!lands) {
        refusedIds.push(id);
        continue;
      }
      this.tombstones.delete(id);
      this.items.set(id, structuredClone(write));
    }
    return { refusedIds };
  }

  async putTombstones(writes: readonly TombstoneWrite[]): Promise<PutResult> {
    const refusedIds: string[] = [];
    for (const write of writes) {
      const stored = this.items.get(write.id);
      const lands =
        !this.tombstones.has(write.id) &&
        (write.replaces === null ? stored === undefined : stored !== undefined && stored.record.updatedAt <= write.deletedAt);
      if (!lands) {
        refusedIds.push(write.id);
        continue;
      }
      this.items.delete(write.id);
      this.tombstones.set(write.id, structuredClone(write));
    }
    return { refusedIds };
  }

  async scanUnwritten(runId: string, request: { cursor: string | null; limit: number }): Promise<UnwrittenPage> {
    const ids = [...new Set([...this.items.keys(), ...this.tombstones.keys()])].sort();
    const versions: StoredVersion[] = [];
    let last: string | null = null;
    for (const id of ids) {
      if (request.cursor !== null && id <= request.cursor) continue;
      if (versions.length === request.limit) return { versions, nextCursor: last };
      last = id;
      const write = this.items.get(id);
      if (write && !write.writeTag.startsWith(`${runId}#`)) versions.push((await this.getVersions([id])).get(id)!);
    }
    return { versions, nextCursor: null };
  }

  unstorable(order: Order): string | null {
    return unstorableReason(order);
  }
}

/** The quarantine as the DynamoDB table keeps it: one entry per stream and key; a batch with a key twice is refused. */
export class InMemoryQuarantineStore implements QuarantineStore {
  readonly entries = new Map<string, QuarantineEntry>();
  /** What the DynamoDB store's first-seen markers hold: each entry as first seen by a run, kept after its release. */
  readonly firstSeen = new Map<string, QuarantineEntry>();
  /** apply calls, for tests that count writes. */
  applyCalls = 0;

  async find(stream: string, keys: readonly string[]): Promise<Map<string, QuarantineMark>> {
    refuseDuplicates(keys, 'BatchGetItem');
    const found = new Map<string, QuarantineMark>();
    for (const key of keys) {
      const entry = this.entries.get(`${stream}|${key}`);
      if (entry)
        found.set(key, { firstSeenAt: entry.firstSeenAt, firstSeenRun: entry.firstSeenRun, rejectedUpdatedAt: entry.rejectedUpdatedAt });
    }
    return found;
  }

  async apply(stream: string, change: { put: readonly QuarantineEntry[]; release: readonly string[] }): Promise<void> {
    refuseDuplicates([...change.put.map((entry) => entry.key), ...change.release], 'BatchWriteItem');
    this.applyCalls++;
    for (const entry of change.put) this.entries.set(`${stream}|${entry.key}`, structuredClone(entry));
    for (const entry of change.put.filter((one) => one.firstSeenRun === one.lastSeenRun)) {
      this.firstSeen.set(`${stream}|${entry.firstSeenAt}|${entry.key}`, structuredClone({ ...entry, lastSeenAt: entry.firstSeenAt }));
    }
    for (const key of change.release) this.entries.delete(`${stream}|${key}`);
  }

  async summary(stream: string, limit: number): Promise<QuarantineSummary> {
    const ofStream = this.ofStream(stream);
    const newest = ofStream.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)).slice(0, limit);
    return { count: ofStream.length, newest: newest.map(viewOf) };
  }

  async firstSeenBetween(stream: string, span: { after: Instant | null; until: Instant }, limit: number): Promise<QuarantineSummary> {
    const markers = [...this.firstSeen.entries()].filter(([at]) => at.startsWith(`${stream}|`)).map(([, entry]) => entry);
    const inSpan = markers.filter((entry) => (span.after === null || entry.firstSeenAt > span.after) && entry.firstSeenAt <= span.until);
    const newest = inSpan
      .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt) || shownId(a).localeCompare(shownId(b)))
      .slice(0, limit);
    return { count: inSpan.length, newest: newest.map(viewOf) };
  }

  private ofStream(stream: string): QuarantineEntry[] {
    return [...this.entries.entries()].filter(([at]) => at.startsWith(`${stream}|`)).map(([, entry]) => entry);
  }
}

function viewOf(entry: QuarantineEntry): QuarantinedOrderView {
  return {
    id: shownId(entry),
    idFromPayload: entry.id === null,
    field: entry.field,
    message: entry.message,
    seenAt: entry.lastSeenAt,
    firstSeenAt: entry.firstSeenAt,
    storedUpdatedAt: entry.storedUpdatedAt,
    rawKept: !('tooLarge' in encodeRawJson(JSON.stringify(entry.raw) ?? 'null')),
  };
}

/** DynamoDB's ValidationException for a batch that names one key twice. */
function refuseDuplicates(keys: readonly string[], call: string): void {
  if (new Set(keys).size !== keys.length) throw new Error(`${call}: Provided list of item keys contains duplicates`);
}

/** The daily sales as the DynamoDB table keeps them: entries by day and order under the version rule, totals by day and currency. */
export class InMemoryDailySalesStore implements DailySalesStore {
  /** Entries by `${day}|${orderId}`. */
  readonly entries = new Map<string, SalesEntry>();
  /** Totals rows by `${day}#${currency}`. */
  readonly totals = new Map<string, DaySales>();

  async putEntries(entries: readonly SalesEntry[]): Promise<{ refused: SalesEntryKey[] }> {
    const refused: SalesEntryKey[] = [];
    for (const entry of entries) {
      const stored = this.entries.get(entryKey(entry));
      if (stored && !entryReplaces(entry.version, stored.version)) refused.push({ day: entry.day, orderId: entry.orderId });
      else this.entries.set(entryKey(entry), structuredClone(entry));
    }
    return { refused };
  }

  async correctEntry(key: SalesEntryKey, expected: SalesVersion, replacement: SalesEntry): Promise<boolean> {
    const stored = this.entries.get(entryKey(key));
    if (!stored || !sameVersion(stored.version, expected)) return false;
    this.entries.set(entryKey(key), structuredClone(replacement));
    return true;
  }

  async entriesOf(day: LocalDay): Promise<SalesEntry[]> {
    return [...this.entries.values()]
      .filter((entry) => entry.day === day)
      .sort((a, b) => a.orderId.localeCompare(b.orderId))
      .map((entry) => structuredClone(entry));
  }

  async putTotals(rows: readonly DaySales[]): Promise<void> {
    for (const row of rows) this.totals.set(`${row.day}#${row.currency}`, structuredClone(row));
  }

  async deleteTotals(keys: ReadonlyArray<{ day: LocalDay; currency: string }>): Promise<void> {
    for (const { day, currency } of keys) this.totals.delete(`${day}#${currency}`);
  }

  async totalsBetween(from: LocalDay, to: LocalDay): Promise<DaySales[]> {
    return [...this.totals.entries()]
      .filter(([, row]) => row.day >= from && row.day <= to)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => structuredClone(row));
  }
}

/** The daily sales table: each zone's days under their own keys, as the DynamoDB table keeps them. */
export class InMemoryDailySalesTable {
  readonly zones = new Map<string, InMemoryDailySalesStore>();

  inZone = (zone: string): InMemoryDailySalesStore => {
    let store = this.zones.get(zone);
    if (store === undefined) this.zones.set(zone, (store = new InMemoryDailySalesStore()));
    return store;
  };
}

function entryKey(key: SalesEntryKey): string {
  return `${key.day}|${key.orderId}`;
}

/** The daily sales' reading of the in-memory orders: each order's version and its sales fields, tombstones as deleted. */
export class InMemoryOrderSalesReader implements OrderSalesReader {
  constructor(private readonly records: InMemoryRecordStore) {}

  async salesOf(ids: readonly string[]): Promise<Map<string, StoredSales>> {
    const found = new Map<string, StoredSales>();
    for (const id of ids) {
      const write = this.records.items.get(id);
      const tombstone = this.records.tombstones.get(id);
      if (write)
        found.set(id, {
          version: { updatedAt: write.record.updatedAt, deletedAt: null, readAt: write.readAt },
          order: salesFieldsOf(write.record as Order),
        });
      if (tombstone) {
        const { deletedAt, inferred } = tombstone;
        found.set(id, { version: { updatedAt: deletedAt, deletedAt, readAt: null, ...(inferred ? { inferred } : {}) }, order: null });
      }
    }
    return found;
  }
}

/** The touched days as the sync-state item keeps them: a counter per stream and day, removed only at its value. */
export class InMemoryTouchedDaysStore implements TouchedDaysStore {
  readonly counters = new Map<string, Map<LocalDay, number>>();

  async touch(stream: string, days: readonly LocalDay[]): Promise<void> {
    const counters = this.counters.get(stream) ?? new Map<LocalDay, number>();
    for (const day of new Set(days)) counters.set(day, (counters.get(day) ?? 0) + 1);
    this.counters.set(stream, counters);
  }

  async touched(stream: string): Promise<Map<LocalDay, number>> {
    return new Map([...(this.counters.get(stream) ?? new Map<LocalDay, number>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  async settle(stream: string, day: LocalDay, counter: number): Promise<boolean> {
    const counters = this.counters.get(stream);
    if (counters?.get(day) !== counter) return false;
    counters.delete(day);
    return true;
  }

  async settleDays(stream: string, counters: ReadonlyArray<readonly [LocalDay, number]>): Promise<LocalDay[]> {
    const left: LocalDay[] = [];
    for (const [day, counter] of counters) if (!(await this.settle(stream, day, counter))) left.push(day);
    return left;
  }
}
