// What travels between the state machine's steps (execution input and output): the run as the console shows it.
// Never a secret: the token stays in the source connector.
import type { Instant } from './order';
import type { Lease, RunCounts, SyncMode, Trigger, Window } from './run-types';

/** One execution's view of the run, passed from step to step and to the next execution (continue-as-new). */
export interface RunState {
  stream: string;
  /** The run's id: stable across continue-as-new and across a resume, so write tags stay the run's own. */
  runId: string;
  /** Who holds the lease for this chain of executions (equals runId except for a resumed run). */
  leaseOwner: string;
  mode: SyncMode;
  trigger: Trigger;
  window: Window;
  /** Cursor of the next page; null before the first page and after the last. */
  cursor: string | null;
  /** Pages done so far in the run. */
  page: number;
  /** This execution's number in the chain (1 for the first). */
  part: number;
  /** Pages done in this execution: at maxPagesPerPart the state machine continues as a new execution. */
  pagesInPart: number;
  maxPagesPerPart: number;
  /** The last page has been synced: next step is commit. */
  done: boolean;
  counts: RunCounts;
  /** The newest updated_at the run has fetched so far. */
  maxRecordTime: Instant | null;
  /** The source's clock minus ours, as the last page measured it (null: not measured). */
  sourceClockSkewMs: number | null;
  /**
   * Set when the last page's result is not in the sync-state item yet (its saved progress is one page behind): the
   * next step saves it with its first write, and adds `inserted` to the order counter then. Null when all is saved.
   */
  unsavedPage: { inserted: number } | null;
  /** Orders the window held when the run began (full runs), for progress; null when not asked. */
  expectedTotal: number | null;
  /** This execution's name (it goes on every log line of the run's steps). */
  executionName: string;
  /** Name for the next execution of the chain. */
  nextExecutionName: string;
  startedAt: Instant;
}

/** What starts an execution: the trigger's request, or a run handed over by the previous execution. */
export type ExecutionInput =
  | { stream?: string; mode: SyncMode; trigger: Trigger; resume?: boolean; runId?: string }
  | { continueRun: RunState };

/** Begin's payload as the state machine sends it. */
export interface BeginEvent {
  input: ExecutionInput;
  executionName: string;
  executionArn: string;
}

export interface SkippedRun {
  skipped: true;
  reason: string;
  holder: Pick<Lease, 'owner' | 'executionName' | 'mode' | 'trigger'> & { expiresAt: Instant };
}

/** The state machine's error output as Catch puts it in `$.error`. */
export interface CaughtError {
  Error: string;
  Cause?: string;
}

/** What the last step returns: the execution's output, read as one line of the sync log. */
export interface RunSummary {
  stream: string;
  runId: string;
  status: 'succeeded' | 'failed';
  mode: SyncMode;
  trigger: Trigger;
  window: Window;
  pages: number;
  counts: RunCounts;
  startedAt: Instant;
  finishedAt: Instant;
  durationSeconds: number;
  watermark?: Instant;
  orderCount?: number;
  error?: { name: string; message: string; page: number };
}
