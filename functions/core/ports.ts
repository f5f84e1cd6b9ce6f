// The interfaces the sync core owns and the adapters (DynamoDB stores, source connectors) implement.
import type { Instant } from './order';
import type { DaySales, SalesOrder } from './analytics/daily-sales';
import type { LocalDay } from './analytics/local-day';
import type { SalesEntry, SalesVersion } from './analytics/sales-entry';
import type { SyncRecord } from './record';
import type { QuarantineEntry, QuarantineMark, QuarantineSummary, RejectedRecord } from './quarantine';
import type { Checkpoint, Lease, ParkedRun, RunCounts, RunOutcome, RunProgress, SyncMode, SyncState, Window } from './run-types';

// ---------------------------------------------------------------- source

export interface PageRequest {
  window: Window;
  /** null for the first page of the walk. */
  cursor: string | null;
  /** Page size, 1..250. */
  limit: number;
  /**
   * Who asks, when it matters: the page step passes its chain of executions (the lease owner, new for each start or
   * resume, kept across continue-as-new), so a page read ahead for one chain is never handed to another. Connectors
   * ignore it.
   */
  caller?: string;
}

export interface SourcePage<R extends SyncRecord = SyncRecord> {
  /** Validated and normalised: a connector never returns a record the core has not checked. */
  records: R[];
  /** The page's records that broke the contract (or could not be mapped), with their payload and error: quarantined. */
  rejected: RejectedRecord[];
  /** null only on the last page; a short or empty page may still carry one. */
  nextCursor: string | null;
  /** What fetching this page took, for logs and metrics. */
  stats: SourceCallStats;
  /**
   * Whole seconds to wait before fetching the next page, when the source is not ready yet (Shopify's bulk export
   * still running, or another export holding its slot). The state machine waits (a Wait state): no step sleeps.
   */
  waitSeconds?: number;
  /**
   * When the source was asked for this page, if earlier than the page step's own fetch (a page read ahead): the read
   * time that orders two versions stamped in one second. Absent: the page step's clock when it asked.
   */
  readAt?: Instant;
}

export interface SourceCallStats {
  /** HTTP requests made for this page (1 when nothing was retried). */
  requests: number;
  /** Of those, answers that were 429 / THROTTLED. */
  throttled: number;
  /** Of those, transient failures (5xx, network, timeout) that were retried. */
  retried: number;
  /** The source's clock minus ours in ms, from its Date header, when known. */
  clockSkewMs?: number;
}

/** One order deleted at the source, as its deletion feed says. */
export interface Deletion {
  id: string;
  deletedAt: Instant;
  /**
   * Inferred by reconciliation (the source no longer answered the id), not reported by the source's deletion feed:
   * its tombstone gives way to any later sighting of the order live in a page.
   */
  inferred?: boolean;
}

export interface DeletedPageRequest {
  /** Deletions with `from <= deleted_at < to` (`from: null`: all the feed still holds). */
  window: Window;
  cursor: string | null;
  limit: number;
}

export interface DeletedPage {
  deletions: Deletion[];
  /** null only on the last page. */
  nextCursor: string | null;
  stats: SourceCallStats;
}

/** A connector to one stream of the shop: the reference HTTP contract (docs/source-contract.md), Shopify, ... */
export interface RecordSource<R extends SyncRecord = SyncRecord> {
  /** Fetch one page of the window. Throws the named errors of core/errors.ts. */
  fetchPage(request: PageRequest): Promise<SourcePage<R>>;
  /** How many records the window holds right now (for progress and ETA only). */
  count(window: Window): Promise<number>;
  /**
   * One page of the deletion feed: orders deleted in the window, ascending by (deleted_at, id). Absent: the source
   * has no deletion feed the connector reads yet (the run skips that step, and says so).
   */
  fetchDeleted?(request: DeletedPageRequest): Promise<DeletedPage>;
  /**
   * The shop's own IANA time zone, the days its daily sales count in unless SHOP_TIME_ZONE says otherwise (Shopify's
   * `shop.ianaTimezone`). Absent: the source has none (UTC).
   */
  timeZone?(): Promise<string>;
  /** Which of these ids (1..EXISTING_IDS_MAX) the source still has: a deleted or unknown id is absent. Absent: no reconciliation. */
  existing?(ids: readonly string[]): Promise<{ ids: Set<string>; stats: SourceCallStats }>;
}

// ---------------------------------------------------------------- orders store

/**
 * How the write that stored an item changed the copy: created a live order, replaced an older version, turned a live
 * order into a tombstone (`deleted`: the order counter loses one), or wrote a tombstone where no live order was
 * (`deleted-absent`: the counter is unchanged).
 */
export type WriteKind = 'inserted' | 'updated' | 'deleted' | 'deleted-absent';

/** What the store knows of one order: enough to classify an incoming version of it. */
export interface StoredVersion {
  id: string;
  /** The stored version's `updated_at`; for a tombstone its `deleted_at`, what a version must be newer than to replace it. */
  updatedAt: Instant;
  /** Set on a tombstone: the order was deleted at the source then (the item holds nothing a dashboard reads as an order). */
  deletedAt: Instant | null;
  /** `${runId}#${step}` of the write that stored this version: lets a retried step recognise its own writes. */
  writeTag: string | null;
  writeKind: WriteKind | null;
  /** The stored version's digest (core/record-digest.ts); null on a tombstone and on an item written before digests. */
  digest: string | null;
  /** When the stored version was read from the source: of two versions with one `updated_at`, the later read wins. */
  readAt: Instant | null;
  /** A tombstone reconciliation inferred (Deletion.inferred): any version a page sees live replaces it. */
  inferred?: boolean;
}

export interface RecordWrite<R extends SyncRecord = SyncRecord> {
  record: R;
  kind: 'inserted' | 'updated';
  /**
   * The stored `updated_at` the classification saw (null: none stored): the write lands only over an older version,
   * or over one of the same `updated_at` read before `readAt`.
   */
  replaces: Instant | null;
  /** recordDigest(record). */
  digest: string;
  /** When the page that holds this version was read from the source. */
  readAt: Instant;
  writeTag: string;
  syncedAt: Instant;
  /** The zone the run counts local days in (the daily sales' zone, resolved by Begin); absent: the store's own. */
  localZone?: string;
}

/**
 * A tombstone to write: `replaces` is the live version's `updated_at` the classification saw (kind `deleted`), or
 * null when none was stored (kind `deleted-absent`).
 */
export interface TombstoneWrite {
  id: string;
  deletedAt: Instant;
  /** Inferred by reconciliation, not reported by the source (Deletion.inferred). */
  inferred?: boolean;
  kind: 'deleted' | 'deleted-absent';
  replaces: Instant | null;
  writeTag: string;
  syncedAt: Instant;
}

/** A page of the live orders a run did not write, from a scan of the copy: what reconciliation asks the source about. */
export interface UnwrittenPage {
  versions: StoredVersion[];
  /** Where the scan goes on (opaque); null when the copy has been scanned to its end. */
  nextCursor: string | null;
}

/** What putRecords could not write: another write stored the order after the version read (its id, once each). */
export interface PutResult {
  refusedIds: string[];
}

export interface RecordStore<R extends SyncRecord = SyncRecord> {
  /** The stored versions of these ids (at most one page's worth), in one round of batched reads. */
  getVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>>;
  /**
   * Write these orders (new and changed only), each conditional on the stored version: absent or a tombstone
   * deleted before the write's `updated_at` when `replaces` is null, else a live version older than the write, so no
   * write ever puts an older version over a newer one, whoever wrote that, nor brings back an order deleted after
   * the version was made. A refused write is not an error: its id is answered. Throws StoreWriteError when a write
   * cannot be made (throttling, the service down).
   */
  putRecords(writes: readonly RecordWrite<R>[]): Promise<PutResult>;
  /**
   * Write these tombstones, each conditional: over nothing (`replaces` null), or over a live version whose
   * `updated_at` is not after the deletion; never over a tombstone (a repeat is refused, so it is idempotent).
   */
  putTombstones(writes: readonly TombstoneWrite[]): Promise<PutResult>;
  /**
   * Up to `limit` items of a scan of the copy from `cursor` (null: its start), of which the live orders whose write
   * tag is not this run's (`${runId}#…`) are answered: the ones the run did not write. Memory stays flat: one page.
   */
  scanUnwritten(runId: string, request: { cursor: string | null; limit: number }): Promise<UnwrittenPage>;
  /** Why this order cannot be stored (too big for an item even compressed and trimmed), or null: such an order is quarantined. */
  unstorable(record: R): string | null;
}

// ---------------------------------------------------------------- quarantine store

/** The quarantine: one entry per order set aside, per stream, beside the stream's state (not among the orders). */
export interface QuarantineStore {
  /** Which of these keys are held (at most a page's worth), with when each was first seen: one round of batched reads. */
  find(stream: string, keys: readonly string[]): Promise<Map<string, QuarantineMark>>;
  /** Write these entries (replacing those of the same key) and delete these keys: batched, safe to repeat. */
  apply(stream: string, change: { put: readonly QuarantineEntry[]; release: readonly string[] }): Promise<void>;
  /** How many entries the stream holds, and the newest `limit` of them (by last seen), newest first. */
  summary(stream: string, limit: number): Promise<QuarantineSummary>;
  /**
   * The entries first seen in `(after, until]` (`after` null: from the first): how many, and the newest `limit` of
   * them by first seen, newest first. Read consistently: a page's entries written a moment ago are counted.
   */
  firstSeenBetween(stream: string, span: { after: Instant | null; until: Instant }, limit: number): Promise<QuarantineSummary>;
}

// ---------------------------------------------------------------- daily sales store

/** An entry's key: one order on one day. */
export interface SalesEntryKey {
  day: LocalDay;
  orderId: string;
}

/**
 * The daily sales kept beside the orders: per order and day an entry (what that order version adds to the day), and
 * per day and currency the totals the route reads (docs/design.md "Daily sales").
 */
export interface DailySalesStore {
  /**
   * Put these entries, each conditional on the stored one: over nothing or an entry of an older version
   * (entryReplaces), so a zombie's late entry never replaces a newer one. A refused entry is not an error: its key is
   * answered. Throws StoreWriteError when a write cannot be made.
   */
  putEntries(entries: readonly SalesEntry[]): Promise<{ refused: SalesEntryKey[] }>;
  /**
   * Replace the entry at `key` only if it still holds the `expected` version: the recompute's correction of an entry
   * its order item contradicts (never a deletion: the day keeps naming the order). False when the entry moved meanwhile.
   */
  correctEntry(key: SalesEntryKey, expected: SalesVersion, replacement: SalesEntry): Promise<boolean>;
  /** Every entry of the day, read consistently (one Query of its partition, paged). */
  entriesOf(day: LocalDay): Promise<SalesEntry[]>;
  /** Write these days' totals rows (one per day and currency), replacing those of the same key. */
  putTotals(rows: readonly DaySales[]): Promise<void>;
  /** Delete the totals rows of these days and currencies (a currency a day no longer has). */
  deleteTotals(keys: ReadonlyArray<{ day: LocalDay; currency: string }>): Promise<void>;
  /** The totals rows from `from` to `to`, both included, by day then currency: one Query. */
  totalsBetween(from: LocalDay, to: LocalDay): Promise<DaySales[]>;
}

/**
 * The days whose daily sales a write may have changed, per stream, with a counter each: a write adds its days before
 * it writes (unconditionally: a zombie's addition costs one more recompute), the recompute removes a day only if its
 * counter did not move since it read it (a write meanwhile leaves the day for another pass).
 */
export interface TouchedDaysStore {
  touch(stream: string, days: readonly LocalDay[]): Promise<void>;
  /** The days touched and their counters, read consistently. */
  touched(stream: string): Promise<Map<LocalDay, number>>;
  /** Remove the day if its counter is still `counter`; false when it moved (or the day is gone). */
  settle(stream: string, day: LocalDay, counter: number): Promise<boolean>;
  /** `settle` for each day at its counter, in as few writes as the store can: the days left (their counter moved). */
  settleDays(stream: string, counters: ReadonlyArray<readonly [LocalDay, number]>): Promise<LocalDay[]>;
}

/** An order as the copy holds it, for the daily sales: its version, and what the figures read (null: deleted). */
export interface StoredSales {
  version: SalesVersion;
  order: SalesOrder | null;
}

/** Reads the daily sales' fields of stored orders (the orders table's items). */
export interface OrderSalesReader {
  /** The stored orders of these ids (tombstones included, absent ids left out), read consistently. */
  salesOf(ids: readonly string[]): Promise<Map<string, StoredSales>>;
}

// ---------------------------------------------------------------- sync state store

export type LeaseAttempt = { acquired: true } | { acquired: false; holder: Lease };

/** What a step learns from its claim: the run's saved progress, or that the step was saved already. */
export type StepClaim =
  | {
      kind: 'claimed';
      progress: RunProgress;
      /** Ids an earlier attempt of this same step claimed (it died before saving the step's result). */
      earlierAttemptIds: string[];
      /** Of those, the ones whose insert the order counter already holds (settled when the run was parked). */
      settledIds: string[];
    }
  | { kind: 'already-saved'; progress: RunProgress };

/** A run at a step: what a claim or a save expects the stream's item to hold, and holds only if it still does. */
export interface RunAt {
  runId: string;
  step: number;
}

/** Begin's save: the run it begins, what happens to the runs it found, and the counter's share of that. */
export interface BegunRunSave {
  /** The run in the stream's run slot as begin read it (null: none); it is replaced, parked, or the one resumed. */
  expectedRun: RunAt | null;
  /** The parked run as begin read it (null: none). */
  expectedParked: RunAt | null;
  /** What is parked after the save (null: nothing): the run parked now, or the one left parked. */
  parked: ParkedRun | null;
  /** The begun run's claimed and settled ids: a resumed parked run's, a resumed run's own; else none. */
  pendingIds: string[];
  settledIds: string[];
  /** Inserts of unsaved pages (of a run replaced, parked or discarded) that the counter does not hold yet. */
  orderCountDelta: number;
  leaseExpiresAt: number;
  /**
   * The zone the daily sales are counted in from now on (a full resync building them records it); null: none (a run
   * with them off forgets it); absent: unchanged.
   */
  salesZone?: string | null;
}

/**
 * The sync-state table: one item per stream. Every write that a run makes is conditional on the run
 * holding the lease, so a run whose lease was taken over can no longer change anything.
 */
export interface SyncStateStore {
  get(stream: string): Promise<SyncState>;
  /** Take the lease if it is free, expired (expiresAt <= now), or already ours. */
  acquireLease(stream: string, lease: Lease, now: number): Promise<LeaseAttempt>;
  /**
   * Take the lease from `deadOwner`, whose executions have all ended, live or not: one write, conditional on
   * `deadOwner` still holding it. False (nothing written) when it no longer does (another trigger took it first).
   */
  takeOverLease(stream: string, lease: Lease, deadOwner: string): Promise<boolean>;
  /** Drop our lease; does nothing when it is not ours. */
  releaseLease(stream: string, owner: string): Promise<void>;
  /**
   * Begin's save, in one conditional write: the begun run (new or resumed) in the run slot with its claimed and
   * settled ids, the parked slot as `save.parked` says, the lease extended and `orderCountDelta` added to the order
   * counter; only while `owner` holds the lease and both slots still hold what begin read. Throws LeaseLostError when
   * the lease is not ours; returns false (writing nothing) when this run was saved already (a retried begin).
   */
  saveBegunRun(stream: string, owner: string, progress: RunProgress, save: BegunRunSave): Promise<boolean>;
  /**
   * Save the run's progress, extend the lease and add `orderCountDelta` to the order counter in one conditional
   * write: only while `owner` holds the lease and the saved progress is still at `expectedStep`.
   * Throws LeaseLostError when the lease is not ours; returns false (writing nothing) when the progress has already
   * moved past `expectedStep` (a retried step that had already been saved).
   */
  saveProgress(
    stream: string,
    owner: string,
    progress: RunProgress,
    options: { expectedStep: number; orderCountDelta: number; leaseExpiresAt: number },
  ): Promise<boolean>;
  /**
   * Before a step writes (records or tombstones), in one conditional write: check that `owner` holds a live lease and
   * the run's saved progress is at `at.step`, renew the lease, and add the ids the step is about to write to the
   * claimed ids, so that a retry of a step that died after writing can count what it wrote even when the source
   * answers differently the second time. The step's own saveProgress (or commit, or recordFailure) clears them.
   * Throws LeaseLostError when the lease is not ours; `already-saved` when the progress has moved past `at.step`.
   */
  claim(
    stream: string,
    owner: string,
    at: RunAt,
    ids: readonly string[],
    options: { nowMs: number; leaseExpiresAt: number },
  ): Promise<StepClaim>;
  /** Write the checkpoint and the run's outcome, clear the run and release the lease: one conditional write (a parked run stays). */
  commit(stream: string, owner: string, checkpoint: Checkpoint, outcome: RunOutcome): Promise<void>;
  /** Keep the failed run's progress (status failed, with its error), record its outcome, release the lease. */
  recordFailure(stream: string, owner: string, failedRun: RunProgress, outcome: RunOutcome): Promise<void>;
}

// ---------------------------------------------------------------- execution starter

export interface StartedExecution {
  executionArn: string;
  executionName: string;
  startDate: Instant;
}

/** An execution's status as Step Functions reports it (PENDING_REDRIVE: failed, and may be redriven). */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** An execution as Step Functions describes it: its status, and when it ended (epoch ms; null while it runs). */
export interface ExecutionState {
  status: ExecutionStatus;
  stoppedAtMs: number | null;
}

/** Starts an execution of the sync state machine (AWS Step Functions, or the local runner's endpoint). */
export interface ExecutionStarter {
  start(name: string, input: unknown): Promise<StartedExecution>;
  /** The state of this state machine's execution of that name; null when there is none. Throws when it cannot tell. */
  status(name: string): Promise<ExecutionState | null>;
}

// ---------------------------------------------------------------- logging and time

/** What the core needs of a logger (Powertools' Logger fits it): a message and structured fields. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Epoch milliseconds now. Injected so tests and the source-clock-skew scenarios can move time. */
export type Clock = () => number;

// ---------------------------------------------------------------- metrics

/** One page the run synced and saved (a page another attempt had already saved is not reported again). */
export interface PageReport {
  stream: string;
  runId: string;
  mode: SyncMode;
  /** The page's index in the run (0 for the first), as the logs number it. */
  page: number;
  counts: RunCounts;
  source: SourceCallStats;
  /** The ids (or payload keys) the page quarantined: searchable beside the metric. */
  quarantinedIds: string[];
}

/** The full resync begin parked beside an incremental run after its last automatic resume failed. */
export interface AutoResumesSpentReport {
  stream: string;
  /** The parked resync's run id (what `resume=true` picks up). */
  runId: string;
  /** The pages it had saved. */
  page: number;
  autoResumes: number;
  /** The name of the error it last failed on. */
  error: string;
}

/** One step after the record pages (a deletion feed page, a reconciliation step) that the run saved. */
export interface DeletionStepReport {
  stream: string;
  runId: string;
  mode: SyncMode;
  phase: 'deletions' | 'reconcile';
  /** The step's number in the run (record pages first), as its write tag says. */
  step: number;
  /** Live orders the step turned into tombstones. */
  deleted: number;
  /** Ids the step looked at: the feed page's deletions, or the orders reconciliation asked the source about. */
  checked: number;
  source: SourceCallStats;
}

/**
 * What the core reports for operators (Powertools Metrics in Lambda). Per-page counts are the metrics to sum, so a
 * run's counts are reported once, page by page, and the run report carries what only the run knows.
 */
export interface RunMetrics {
  page(report: PageReport): void;
  /** A deletion step the run saved (summed, RecordsDeleted gives the orders deleted from the copy). */
  deletionStep(report: DeletionStepReport): void;
  /** A run that ended; `watermarkLagSeconds`: now minus the new watermark, at commit (how far the copy is behind). */
  run(outcome: RunOutcome, extra?: { watermarkLagSeconds?: number }): void;
  /** A failed full resync begin parked for good: its automatic resumes are spent, only a resume by hand goes on with it. */
  autoResumesSpent(report: AutoResumesSpentReport): void;
}
