// The status view: the seed's shape, key for key (orders.count, orders.last_synced, orders.metadata.*), plus the
// run in flight with its rate and ETA, the last run's result or error, and the orders held in quarantine.
import { ZERO_COUNTS } from './counts';
import { epochMsOf, instantFromEpochMs } from './instant';
import { FULL_RESYNC_AUTO_RESUMES_DEFAULT } from './limits';
import { resumesAutomatically, transientErrorOf } from './plan';
import type { Instant } from './order';
import type { Clock, QuarantineStore, SyncStateStore } from './ports';
import type { StreamName } from './stream';
import { QUARANTINE_LISTED, type QuarantineSummary } from './quarantine';
import type { DeepLookbackFinding, RunCounts, RunPhase, RunProgress, SyncMode, SyncState, Trigger } from './run-types';

/**
 * The status route's answer: a section per enabled stream, each of the seed's `orders` shape. The type names every
 * stream; the answer holds the enabled ones only (`STREAMS`), so a reader that may meet a narrowed deployment checks.
 */
export type SyncStatus = Record<StreamName, StreamStatus>;

/** One stream's section: the seed's shape, key for key, whatever the stream (`orders_fetched` counts its records). */
export interface StreamStatus {
  count: number;
  last_synced: Instant | null;
  metadata: {
    last_sync_time: Instant | null;
    last_record_time: Instant | null;
    records_synced: number;
    is_full_sync: boolean;
    updated_at: Instant | null;
    watermark: Instant | null;
  };
  running: RunningView | null;
  last_run: LastRunView | null;
  /**
   * The last deep lookback (an incremental run reaching back LOOKBACK_SECONDS): when it committed, how far back it
   * read, and `found`: the orders it stored that every ordinary window had missed (above 0: the source lags).
   */
  last_deep_lookback: { run_id: string; at: Instant; reached_from: Instant; ordinary_from: Instant; found: number } | null;
  /** The full resync that `POST /api/sync/orders/full?resume=true` would continue: the parked one, or a failed one. */
  resumable: {
    run_id: string;
    pages: number;
    orders_fetched: number;
    error: string | null;
    /** Times the schedule resumed it by itself since it was last started or resumed by hand. */
    auto_resumes: number;
    /** `next-tick`: it failed on a transient error and the next scheduled run resumes it; `by-hand`: only a resume request does. */
    resumes: 'next-tick' | 'by-hand';
  } | null;
  /** Records set aside because they broke the contract: `count` is all of them, `orders` the newest 20. */
  quarantined: { count: number; orders: QuarantinedView[] };
}

export interface QuarantinedView {
  /** The order id, or for an order with no usable id the key derived from its payload (`payload-sha256:…`). */
  id: string;
  id_from_payload: boolean;
  field: string;
  message: string;
  /** When it was last seen. */
  seen_at: Instant;
  first_seen_at: Instant;
  /** The copy holds an older valid version of it (stored_updated_at), which stays until the source sends it valid. */
  behind: boolean;
  stored_updated_at: Instant | null;
  /** False when the payload was too big to keep even gzip-compressed (its size and digest are kept). */
  raw_kept: boolean;
}

export interface RunningView {
  run_id: string;
  mode: SyncMode;
  trigger: Trigger;
  execution: string;
  /** Null while the execution has not saved its plan yet. */
  started_at: Instant | null;
  window: { from: Instant | null; to: Instant } | null;
  pages: number;
  orders_fetched: number;
  counts: RunCounts;
  orders_per_second: number | null;
  expected_total: number | null;
  /** Seconds left at the current rate, for a run whose total is known. */
  eta_seconds: number | null;
  /** What the run is doing: its record pages, the deletion feed, reconciliation, the daily sales' recompute; null while starting. */
  phase: RunPhase | null;
  lease_expires_at: Instant;
}

export interface LastRunView {
  run_id: string;
  status: 'succeeded' | 'failed';
  mode: SyncMode;
  trigger: Trigger;
  execution: string;
  started_at: Instant;
  finished_at: Instant;
  pages: number;
  counts: RunCounts;
  error: { name: string; message: string; page: number } | null;
  /** A deep lookback: the orders it found that ordinary windows had missed. */
  deep_lookback: { ordinary_from: Instant; found: number } | null;
}

const NO_QUARANTINE: QuarantineSummary = { count: 0, newest: [] };

export interface StatusDeps {
  /** `autoResumes`: how many times in a row a failed full resync is resumed by itself (FULL_RESYNC_AUTO_RESUMES). */
  settings: { stream: string; autoResumes?: number };
  state: Pick<SyncStateStore, 'get'>;
  quarantine: Pick<QuarantineStore, 'summary'>;
  clock: Clock;
}

/** The status of the stream: its state and its quarantine, read together. */
export async function readStatus(deps: StatusDeps): Promise<StreamStatus> {
  const { stream } = deps.settings;
  const [state, quarantine] = await Promise.all([deps.state.get(stream), deps.quarantine.summary(stream, QUARANTINE_LISTED)]);
  return describeStatus(state, deps.clock(), quarantine, deps.settings.autoResumes);
}

/** One stream's section of the status route, from its state, its quarantine and the auto-resume setting. */
export function describeStatus(
  state: SyncState,
  nowMs: number,
  quarantine: QuarantineSummary = NO_QUARANTINE,
  autoResumes = FULL_RESYNC_AUTO_RESUMES_DEFAULT,
): StreamStatus {
  const checkpoint = state.checkpoint;
  const run = state.run;
  const lease = state.lease && state.lease.expiresAt > nowMs ? state.lease : null;
  return {
    count: state.orderCount,
    last_synced: checkpoint?.lastSyncTime ?? null,
    metadata: {
      last_sync_time: checkpoint?.lastSyncTime ?? null,
      last_record_time: checkpoint?.lastRecordTime ?? null,
      records_synced: checkpoint?.recordsSynced ?? 0,
      is_full_sync: checkpoint?.isFullSync ?? false,
      updated_at: checkpoint?.updatedAt ?? null,
      watermark: checkpoint?.watermark ?? null,
    },
    running: lease && run?.status === 'running' ? runningView(state, nowMs) : lease ? startingView(state) : null,
    last_run: state.lastRun
      ? {
          run_id: state.lastRun.runId,
          status: state.lastRun.status,
          mode: state.lastRun.mode,
          trigger: state.lastRun.trigger,
          execution: state.lastRun.executionName,
          started_at: state.lastRun.startedAt,
          finished_at: state.lastRun.finishedAt,
          pages: state.lastRun.pages,
          counts: state.lastRun.counts,
          error: state.lastRun.error
            ? { name: state.lastRun.error.name, message: state.lastRun.error.message, page: state.lastRun.error.page }
            : null,
          deep_lookback: state.lastRun.lookback
            ? { ordinary_from: state.lastRun.lookback.ordinaryFrom, found: state.lastRun.lookback.found }
            : null,
        }
      : null,
    last_deep_lookback: deepLookbackView(checkpoint?.lastDeepLookback ?? null),
    resumable: resumableView(
      state.parked?.run ?? (run && run.mode === 'full' && (run.status === 'failed' || !lease) ? run : null),
      autoResumes,
    ),
    quarantined: {
      count: quarantine.count,
      orders: quarantine.newest.slice(0, QUARANTINE_LISTED).map((entry) => ({
        id: entry.id,
        id_from_payload: entry.idFromPayload,
        field: entry.field,
        message: entry.message,
        seen_at: entry.seenAt,
        first_seen_at: entry.firstSeenAt,
        behind: entry.storedUpdatedAt !== null,
        stored_updated_at: entry.storedUpdatedAt,
        raw_kept: entry.rawKept,
      })),
    },
  };
}

function deepLookbackView(finding: DeepLookbackFinding | null): StreamStatus['last_deep_lookback'] {
  return (
    finding && {
      run_id: finding.runId,
      at: finding.at,
      reached_from: finding.reachedFrom,
      ordinary_from: finding.ordinaryFrom,
      found: finding.found,
    }
  );
}

function resumableView(run: RunProgress | null, autoResumes: number): StreamStatus['resumable'] {
  if (!run) return null;
  const nextTick = run.status === 'failed' && transientErrorOf(run) !== null && resumesAutomatically(run, autoResumes);
  return {
    run_id: run.runId,
    pages: run.pages,
    orders_fetched: run.counts.fetched,
    error: run.error?.message ?? null,
    auto_resumes: run.autoResumes ?? 0,
    resumes: nextTick ? 'next-tick' : 'by-hand',
  };
}

function runningView(state: SyncState, nowMs: number): RunningView {
  const run = state.run!;
  const lease = state.lease!;
  const elapsedSeconds = Math.max(0.001, (nowMs - epochMsOf(run.startedAt)) / 1000);
  const rate = run.counts.fetched > 0 ? run.counts.fetched / elapsedSeconds : null;
  const remaining = run.expectedTotal === null ? null : Math.max(0, run.expectedTotal - run.counts.fetched);
  return {
    run_id: run.runId,
    mode: run.mode,
    trigger: run.trigger,
    execution: run.executionName,
    started_at: run.startedAt,
    window: run.window,
    pages: run.pages,
    orders_fetched: run.counts.fetched,
    counts: run.counts,
    orders_per_second: rate === null ? null : Math.round(rate * 10) / 10,
    expected_total: run.expectedTotal,
    eta_seconds: remaining === null || rate === null ? null : Math.round(remaining / rate),
    phase: run.position.phase,
    lease_expires_at: instantFromEpochMs(lease.expiresAt),
  };
}

/** A trigger took the lease and the execution has not saved its plan yet. */
function startingView(state: SyncState): RunningView {
  const lease = state.lease!;
  return {
    run_id: lease.owner,
    mode: lease.mode,
    trigger: lease.trigger,
    execution: lease.executionName,
    started_at: null,
    window: null,
    pages: 0,
    orders_fetched: 0,
    counts: { ...ZERO_COUNTS },
    orders_per_second: null,
    expected_total: null,
    eta_seconds: null,
    phase: null,
    lease_expires_at: instantFromEpochMs(lease.expiresAt),
  };
}
