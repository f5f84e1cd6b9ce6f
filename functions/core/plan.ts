// Decides what a run does, from the request, the checkpoint and any unfinished run: a new window to
// sync (full or incremental) or the unfinished full resync to resume. Pure: begin calls it under the lease.
import { NothingToResumeError, RETRYABLE_ERROR_NAMES } from './errors';
import { addMs, maxInstant } from './instant';
import type { Instant } from './order';
import type { Checkpoint, RunProgress, SyncMode, Window } from './run-types';

export interface RunRequest {
  mode: SyncMode;
  /** Continue the unfinished full resync rather than starting a new run. */
  resume: boolean;
}

export type RunPlan =
  | { kind: 'new'; mode: SyncMode; window: Window; reason: string }
  | { kind: 'resume'; run: RunProgress; reason: string };

/** "5 min", "30 s", "1500 ms": how the overlap reads in a plan's reason. */
function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function resumePlan(run: RunProgress, why: string): RunPlan {
  const state = run.status === 'failed' ? 'failed' : 'unfinished';
  return { kind: 'resume', run, reason: `${why}resuming ${state} full resync ${run.runId} at page ${run.pages}` };
}

function fullPlan(now: Instant, reason: string): RunPlan {
  return { kind: 'new', mode: 'full', window: { from: null, to: now }, reason };
}

/**
 * The plan for a run requested now:
 * - resume requested: the unfinished run, which must exist and be a full one (NothingToResumeError otherwise);
 * - full: a new full run of everything updated before now;
 * - incremental with a checkpoint: [watermark - overlap, max(now, watermark)), so the window never starts
 *   later than the last one ended, even when our clock is behind the watermark; but a full resync that failed on a
 *   transient error (the source down or throttling, DynamoDB throttling) is resumed instead: replaced by an
 *   incremental run, it could no longer be resumed, and what failed it has likely passed;
 * - incremental with no checkpoint yet: a full run, resuming the first one if it was cut off.
 */
export function planRun(args: {
  request: RunRequest;
  checkpoint: Checkpoint | null;
  unfinishedRun: RunProgress | null;
  now: Instant;
  overlapMs: number;
}): RunPlan {
  const { request, checkpoint, unfinishedRun, now, overlapMs } = args;
  if (!Number.isInteger(overlapMs) || overlapMs < 0) {
    throw new RangeError(`overlap must be a whole number of milliseconds >= 0, got ${overlapMs}`);
  }

  if (request.resume) {
    if (unfinishedRun === null) throw new NothingToResumeError('nothing to resume: there is no unfinished run');
    if (unfinishedRun.mode !== 'full') {
      throw new NothingToResumeError(
        `nothing to resume: the unfinished run ${unfinishedRun.runId} is incremental; only a full resync resumes`,
      );
    }
    return resumePlan(unfinishedRun, '');
  }

  if (request.mode === 'full') return fullPlan(now, 'full resync requested');

  if (checkpoint === null) {
    if (unfinishedRun?.mode === 'full') return resumePlan(unfinishedRun, 'no checkpoint yet: ');
    return fullPlan(now, 'no checkpoint yet: full sync');
  }

  const transientFailure = unfinishedRun?.mode === 'full' && unfinishedRun.status === 'failed' ? transientErrorOf(unfinishedRun) : null;
  if (transientFailure) return resumePlan(unfinishedRun!, `the last full resync failed on a transient ${transientFailure}: `);

  const { watermark } = checkpoint;
  const window: Window = { from: addMs(watermark, -overlapMs), to: maxInstant(now, watermark) };
  const overlap = overlapMs === 0 ? 'with no overlap' : `minus ${durationText(overlapMs)} overlap`;
  const clockNote = watermark > now ? ` (the watermark is ahead of our clock ${now})` : '';
  return { kind: 'new', mode: 'incremental', window, reason: `incremental from watermark ${watermark} ${overlap}${clockNote}` };
}

/** The failed run's error name when it is one the state machine retries (it may pass by itself), else null. */
function transientErrorOf(run: RunProgress): string | null {
  const name = run.error?.name;
  return name !== undefined && (RETRYABLE_ERROR_NAMES as readonly string[]).includes(name) ? name : null;
}

/** The mode the plan runs in: a resume runs as the run it resumes. */
export function plannedMode(plan: RunPlan): SyncMode {
  return plan.kind === 'resume' ? plan.run.mode : plan.mode;
}
