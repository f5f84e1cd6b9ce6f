// The vocabulary of a sync run, as docs/design.md's glossary uses it: window, watermark, overlap, lease, run, part,
// phase, position, step, page.
import type { CursorMark } from './cursor-walk';
import type { Instant } from './order';
import type { NewlyQuarantined } from './quarantine';

export type SyncMode = 'full' | 'incremental';
/** Who started the run: the EventBridge schedule, the HTTP API, the CLI, or a test. */
export type Trigger = 'schedule' | 'http' | 'cli' | 'test';

/** Orders with `from <= updated_at < to`. `from: null` is "everything before `to`" (a full run). */
export interface Window {
  from: Instant | null;
  to: Instant;
}

/** The seed's sync metadata, written only by commit. */
export interface Checkpoint {
  /** Upper bound of the last committed window: the next incremental run starts at watermark - overlap. */
  watermark: Instant;
  /** When the last run committed. */
  lastSyncTime: Instant;
  /** Newest `updated_at` any committed run has seen. */
  lastRecordTime: Instant | null;
  /** Orders fetched by the last committed run. */
  recordsSynced: number;
  isFullSync: boolean;
  /** When the first checkpoint of the stream was written. */
  createdAt: Instant;
  /** When this checkpoint was written. */
  updatedAt: Instant;
  /**
   * The source's clock minus ours (ms), as the last run measured it from the source's Date header; null when the
   * source sends none. The next window is planned on the source's clock: its `updated_at` stamps are what it filters.
   */
  sourceClockSkewMs: number | null;
  /**
   * The upper bound of the last window that reached back at least the deep lookback (a deep incremental run, or a
   * full run): the next deep lookback is due one LOOKBACK_EVERY_SECONDS after it. Absent: one is due now.
   */
  lookedBackTo?: Instant | null;
  /** What the last deep lookback found (absent or null: none committed yet). */
  lastDeepLookback?: DeepLookbackFinding | null;
}

/**
 * A deep incremental run's finding: the orders it inserted or updated whose `updated_at` is older than where an
 * ordinary window would have started (watermark − overlap). They are changes that became visible late, which every
 * ordinary window had missed: a count above 0 says the source lags (a replica, a search index) more than the overlap.
 */
export interface DeepLookbackFinding {
  runId: string;
  /** When the deep run committed. */
  at: Instant;
  /** Where its window started (watermark − lookback) and where an ordinary one would have (watermark − overlap). */
  reachedFrom: Instant;
  ordinaryFrom: Instant;
  /** Orders stored by the deep run that ordinary windows had missed. */
  found: number;
}

/** A deep run's reach, saved with its progress; `found` grows page by page. */
export interface DeepLookback {
  ordinaryFrom: Instant;
  found: number;
}

export interface RunCounts {
  /** Orders received from the source (duplicates across pages counted each time). */
  fetched: number;
  /** Not stored before: written. */
  inserted: number;
  /** Stored with an older `updated_at`: overwritten. */
  updated: number;
  /** Stored at the same `updated_at`: not rewritten. */
  unchanged: number;
  /** Stored with a newer `updated_at` than the source sent: never written. */
  stale: number;
  /** Broke the contract (or could not be stored): set aside in the quarantine, not stored as an order. */
  quarantined: number;
  /** Live orders turned into tombstones: listed in the deletion feed, or gone from the source at reconciliation. */
  deleted: number;
}

/**
 * The part of the run a step works on (docs/design.md "SyncPage: the looped step"): the record pages, then the
 * deletion feed, then (a full run, when reconciliation is on) the copy's unwritten records checked against the source;
 * `done`: every step is taken, commit is next.
 */
export type RunPhase = 'records' | 'deletions' | 'reconcile' | 'sales' | 'done';

/** Where the run is: the one thing a step reads to know what to do next, and the one thing its save moves on. */
export interface RunPosition {
  phase: RunPhase;
  /** The phase's cursor for its next step; null before the phase's first step (and once it is done). */
  cursor: string | null;
  /** Steps taken so far, all phases together: it tags a step's writes (`<runId>#<step>`) and guards its save. */
  step: number;
}

export interface RunError {
  name: string;
  message: string;
  /** The record page (0-based count of record pages done) the run was on when it failed. */
  page: number;
  at: Instant;
}

/** The lease: at most one run per stream. `owner` is the run id, stable across continue-as-new. */
export interface Lease {
  owner: string;
  executionName: string;
  mode: SyncMode;
  trigger: Trigger;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** The run in flight (or the failed one, kept so a full resync can resume), saved by each step at its end. */
export interface RunProgress {
  runId: string;
  mode: SyncMode;
  trigger: Trigger;
  window: Window;
  position: RunPosition;
  /** Record pages done so far (a tally for the status and the outcome, not a position: `position.step` is). */
  pages: number;
  /** Automatic resumes of this full resync since it was last started or resumed by hand (absent: 0). */
  autoResumes?: number;
  /**
   * The cursor walk's mark, kept beside the position: the record pages' or the deletion feed's cursor it watches to
   * catch a source that loops (cursor-walk.ts). Not part of the position: a step's guard and write tag ignore it.
   */
  cursorMark?: CursorMark;
  counts: RunCounts;
  /** Newest `updated_at` seen in this run. */
  maxRecordTime: Instant | null;
  /** A deep lookback (an incremental run reaching back LOOKBACK_SECONDS instead of the overlap); absent otherwise. */
  lookback?: DeepLookback;
  /** Orders the source said the window holds, when it was asked (full runs): for progress and ETA. */
  expectedTotal: number | null;
  /** The source's clock minus ours (ms), as the latest page measured it; null until a page says. */
  sourceClockSkewMs: number | null;
  startedAt: Instant;
  updatedAt: Instant;
  executionName: string;
  part: number;
  status: 'running' | 'failed';
  error?: RunError;
  /** The zone this run counts the daily sales in, resolved once by its begin. Absent: it keeps none. */
  salesZone?: string;
  /**
   * A full resync that builds the daily sales in its zone (none recorded yet, or another zone): its pages write the
   * entries of unchanged orders too. Kept by a parked run, and passed on to the full resync that discards it.
   */
  salesRebuild?: boolean;
}

/**
 * How a run ended, committed or failed: the one shape for the execution's output (a line of the sync log), the last
 * run the status route shows, and the run metrics.
 */
export interface RunOutcome {
  stream: string;
  runId: string;
  mode: SyncMode;
  trigger: Trigger;
  status: 'succeeded' | 'failed';
  window: Window;
  pages: number;
  counts: RunCounts;
  startedAt: Instant;
  finishedAt: Instant;
  durationSeconds: number;
  /** The execution the run ended in. */
  executionName: string;
  /** The checkpoint's watermark after the run (unchanged by a failed run); absent before any commit. */
  watermark?: Instant;
  /** The stream's order count after the run. */
  orderCount: number;
  /** A deep lookback: where an ordinary window would have started, and the orders it found that ordinary ones missed. */
  lookback?: DeepLookback;
  /** A committed run only, when orders were quarantined since the previous commit: the state machine announces them. */
  newlyQuarantined?: NewlyQuarantined;
  error?: RunError;
}

/**
 * An unfinished full resync set aside while incremental runs go on (docs/design.md "Parking"): its progress as last
 * saved, and what its unsaved page had claimed, so a resume redoes that page and counts it exactly.
 */
export interface ParkedRun {
  run: RunProgress;
  /** Ids its step `run.position.step` claimed before writing, its result never saved. */
  pendingIds: string[];
  /** Of those, the ones that page inserted, already added to the order counter when the run was parked. */
  settledIds: string[];
}

/** Everything the sync-state table holds for one stream. */
export interface SyncState {
  stream: string;
  checkpoint: Checkpoint | null;
  lease: Lease | null;
  run: RunProgress | null;
  lastRun: RunOutcome | null;
  /** Exact number of orders stored for this stream. */
  orderCount: number;
  /** Ids the saved run's step `run.position.step` claimed before writing (claim): begun, its result not saved yet. */
  pendingIds: string[];
  /** Of those, the ones whose insert the order counter holds already (a resumed parked run): the step must not count them. */
  settledIds: string[];
  /** The unfinished full resync parked beside the stream's state, which a resume continues. */
  parked: ParkedRun | null;
  /**
   * The orders stream's daily sales: the zone their days are counted in, recorded by the begin of the full resync
   * that builds them (docs/design.md "Daily sales", the zone). Absent: none built yet.
   */
  salesZone?: string;
}
