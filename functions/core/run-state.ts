// What travels between the state machine's steps (execution input and output): the run as the console shows it.
// Never a secret: the token stays in the source connector.
import type { Instant } from './order';
import type { Lease, RunProgress, SyncMode, Trigger } from './run-types';

/**
 * One execution's view of the run, passed from step to step and to the next execution (continue-as-new). `run` is
 * the progress as the last step saved it: every step saves its own result before it returns, so nothing here is
 * ahead of the sync-state table.
 */
export interface RunState {
  stream: string;
  /** Who holds the lease for this chain of executions (equals run.runId except for a resumed run). */
  leaseOwner: string;
  run: RunProgress;
  /**
   * Steps taken in this execution, all phases (the name is older than the phases; the state machine's Choice and
   * executions in flight read it): at maxPagesPerPart the state machine continues as a new execution.
   */
  pagesInPart: number;
  maxPagesPerPart: number;
  /** The run's position is `done`: every phase is through, commit is next. */
  done: boolean;
  /** Whole seconds the state machine waits before the next step (the last page's source asked for it); absent: none. */
  waitSeconds?: number;
  /** Name for the next execution of the chain. */
  nextExecutionName: string;
}

/** What starts an execution: the trigger's request, or a run handed over by the previous execution. */
export type ExecutionInput =
  { stream?: string; mode: SyncMode; trigger: Trigger; resume?: boolean; runId?: string } | { continueRun: RunState };

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
