// In-memory ports for the use cases' unit tests, keeping the real conditions: the sync-state store refuses exactly
// what the DynamoDB one refuses (test/integration/sync-state-store.test.ts runs the same contract against both), and
// the order store keeps versions and write tags as DynamoDB items do.
import { LeaseLostError, NothingToResumeError } from '../../functions/core/errors';
import { leaseLostError } from '../../functions/core/lease';
import { slotsChanged } from '../../functions/adapters/dynamodb/sync-state-store';
import type { BegunRunSave, LeaseAttempt, OrderStore, OrderWrite, PageClaim, PutResult, RunAt, StoredVersion, SyncStateStore } from '../../functions/core/ports';
import type { Checkpoint, Lease, RunOutcome, RunProgress, SyncState } from '../../functions/core/run-types';

type Item = Omit<SyncState, 'stream'>;

const emptyItem = (): Item => ({ checkpoint: null, lease: null, run: null, lastRun: null, orderCount: 0, pendingIds: [], settledIds: [], parked: null });

/** Whether a slot holds the run a save expects there (null: empty), as the DynamoDB condition reads it. */
const holds = (run: RunProgress | null | undefined, expected: RunAt | null): boolean =>
  expected === null ? !run : run?.runId === expected.runId && run.pages === expected.pages;

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
      });
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
    options: { expectedPages: number; orderCountDelta: number; leaseExpiresAt: number },
  ): Promise<boolean> {
    const item = this.item(stream);
    const { expectedPages } = options;
    if (item.lease?.owner === owner && item.run?.runId === progress.runId && item.run.pages === expectedPages) {
      const clearsPendingIds = progress.pages !== expectedPages;
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
    if (item.run?.runId === progress.runId && item.run.pages > expectedPages) return false;
    throw new NothingToResumeError(
      `stream ${stream}: run ${progress.runId} expected its saved progress at page ${expectedPages}, ` +
        `but the saved run is ${item.run ? `${item.run.runId} at page ${item.run.pages}` : 'absent'}`,
    );
  }

  async claimPage(
    stream: string,
    owner: string,
    runId: string,
    page: number,
    ids: readonly string[],
    options: { nowMs: number; leaseExpiresAt: number },
  ): Promise<PageClaim> {
    const item = this.item(stream);
    const live = item.lease?.owner === owner && item.lease.expiresAt > options.nowMs;
    if (live && item.run?.runId === runId && item.run.pages === page) {
      this.write(stream, {
        ...item,
        lease: { ...item.lease!, expiresAt: options.leaseExpiresAt },
        pendingIds: [...new Set([...item.pendingIds, ...ids])],
      });
      return { kind: 'claimed', progress: structuredClone(item.run), earlierAttemptIds: [...item.pendingIds], settledIds: [...item.settledIds] };
    }
    if (!live) throw leaseLostError(stream, owner, item.lease);
    if (item.run?.runId === runId && item.run.pages > page) return { kind: 'already-saved', progress: structuredClone(item.run) };
    throw new LeaseLostError(
      `stream ${stream}: run ${runId} expected its saved progress at page ${page}, but the saved run is ` +
        (item.run ? `${item.run.runId} at page ${item.run.pages}` : 'absent'),
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
    this.finish(stream, owner, outcome, (item) => ({ ...item, run: structuredClone(failedRun), lastRun: structuredClone(outcome), lease: null }));
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

/** Orders as the DynamoDB store keeps them: the newest write per id, with its version, write tag and kind. */
export class InMemoryOrderStore implements OrderStore {
  readonly items = new Map<string, OrderWrite>();
  /** putOrders calls that wrote something. */
  writeCalls = 0;

  async getVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>> {
    const versions = new Map<string, StoredVersion>();
    for (const id of ids) {
      const write = this.items.get(id);
      if (write) versions.set(id, { id, updatedAt: write.order.updatedAt, writeTag: write.writeTag, writeKind: write.kind });
    }
    return versions;
  }

  async putOrders(writes: readonly OrderWrite[]): Promise<PutResult> {
    if (writes.length > 0) this.writeCalls++;
    const refusedIds: string[] = [];
    for (const write of writes) {
      // The DynamoDB store's condition: over nothing when the write saw nothing, else over an older version only.
      const stored = this.items.get(write.order.id);
      const lands = write.replaces === null ? stored === undefined : stored !== undefined && stored.order.updatedAt < write.order.updatedAt;
      if (lands) this.items.set(write.order.id, structuredClone(write));
      else refusedIds.push(write.order.id);
    }
    return { refusedIds };
  }
}
