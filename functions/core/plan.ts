// Decides what a run does, from the request, the checkpoint, the unfinished run and the parked full resync: a new
// window to sync (full or incremental) or the unfinished full resync to resume. Pure: begin calls it under the lease.
import { NothingToResumeError, RETRYABLE_ERROR_NAMES } from './errors';
import { FULL_RESYNC_AUTO_RESUMES_DEFAULT } from './limits';
import { addMs, epochMsOf, maxInstant } from './instant';
import type { Instant } from './order';
import type { Checkpoint, RunProgress, SyncMode, Window } from './run-types';

/** The periodic deep lookback: every `everyMs`, an incremental window starts `reachMs` before the watermark. */
export interface LookbackSettings {
  reachMs: number;
  everyMs: number;
}

export interface RunRequest {
  mode: SyncMode;
  /** Continue the unfinished full resync rather than starting a new run. */
  resume: boolean;
}

export type RunPlan =
  /** `ordinaryFrom`: a deep lookback's, where an ordinary window would have started (watermark − overlap). */
  | { kind: 'new'; mode: SyncMode; window: Window; reason: string; lookback?: { ordinaryFrom: Instant } }
  /** `from`: where the resumed run was, the stream's run slot or parked beside it; `automatic`: not asked for. */
  | { kind: 'resume'; run: RunProgress; from: 'run' | 'parked'; automatic: boolean; reason: string };

/** "5 min", "30 s", "1500 ms": how the overlap reads in a plan's reason. */
function durationText(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function resumePlan(resumable: Resumable, why: string, automatic = false): RunPlan {
  const { run, from } = resumable;
  const state = `${from === 'parked' ? 'parked ' : ''}${run.status === 'failed' ? 'failed' : 'unfinished'}`;
  return { kind: 'resume', run, from, automatic, reason: `${why}resuming ${state} full resync ${run.runId} at page ${run.pages}` };
}

interface Resumable {
  run: RunProgress;
  from: 'run' | 'parked';
}

/** The full resync a resume would continue: the parked one, else an unfinished one in the run slot. */
function resumableOf(unfinishedRun: RunProgress | null, parkedRun: RunProgress | null): Resumable | null {
  if (parkedRun) return { run: parkedRun, from: 'parked' };
  return unfinishedRun?.mode === 'full' ? { run: unfinishedRun, from: 'run' } : null;
}

function fullPlan(now: Instant, reason: string): RunPlan {
  return { kind: 'new', mode: 'full', window: { from: null, to: now }, reason };
}

/**
 * The plan for a run requested now:
 * - resume requested: the parked full resync, else the unfinished run, which must be a full one
 *   (NothingToResumeError otherwise);
 * - full: a new full run of everything updated before now (begin discards a parked one);
 * - incremental with a checkpoint: [watermark - overlap, max(now, watermark)), so the window never starts
 *   later than the last one ended, even when our clock is behind the watermark (begin parks an unfinished full
 *   resync beside it); but a full resync that failed on a transient error (the source down or throttling, DynamoDB
 *   throttling) is resumed instead, what failed it has likely passed: at most `autoResumes` times in a row (a source
 *   that keeps failing one page would hold the lease through its retries on every tick), then it stays parked until
 *   resumed by hand;
 * - incremental with no checkpoint yet: a full run, resuming the first one if it was cut off;
 * - a deep lookback: an incremental run whose window starts `lookback.reachMs` before the watermark instead of the
 *   overlap, once `lookback.everyMs` have passed since the last window that reached back that far (a deep or a full
 *   run), so a change that became visible later than one overlap after its `updated_at` still reaches the copy.
 */
export function planRun(args: {
  request: RunRequest;
  checkpoint: Checkpoint | null;
  unfinishedRun: RunProgress | null;
  /** The full resync parked beside the run slot (absent or null: none). */
  parkedRun?: RunProgress | null;
  now: Instant;
  overlapMs: number;
  /** How many times in a row a full resync failed on a transient error is resumed by itself (default 3). */
  autoResumes?: number;
  /** Absent: no deep lookback (the triggers, which plan only to name the run). */
  lookback?: LookbackSettings;
}): RunPlan {
  const {
    request,
    checkpoint,
    unfinishedRun,
    parkedRun = null,
    now,
    overlapMs,
    autoResumes = FULL_RESYNC_AUTO_RESUMES_DEFAULT,
    lookback,
  } = args;
  for (const [name, ms] of [
    ['overlap', overlapMs],
    ['lookback', lookback?.reachMs ?? 0],
    ['lookback period', lookback?.everyMs ?? 0],
  ] as const) {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`${name} must be a whole number of milliseconds >= 0, got ${ms}`);
  }

  const resumable = resumableOf(unfinishedRun, parkedRun);
  if (request.resume) {
    if (resumable) return resumePlan(resumable, '');
    if (unfinishedRun === null) throw new NothingToResumeError('nothing to resume: there is no unfinished run');
    throw new NothingToResumeError(
      `nothing to resume: the unfinished run ${unfinishedRun.runId} is incremental; only a full resync resumes`,
    );
  }

  if (request.mode === 'full') return fullPlan(now, 'full resync requested');

  if (checkpoint === null) {
    if (resumable) return resumePlan(resumable, 'no checkpoint yet: ');
    return fullPlan(now, 'no checkpoint yet: full sync');
  }

  const transientFailure = resumable?.run.status === 'failed' ? transientErrorOf(resumable.run) : null;
  if (transientFailure && resumesAutomatically(resumable!.run, autoResumes)) {
    const attempt = `automatic resume ${(resumable!.run.autoResumes ?? 0) + 1} of ${autoResumes}`;
    return resumePlan(resumable!, `the last full resync failed on a transient ${transientFailure} (${attempt}): `, true);
  }

  const { watermark } = checkpoint;
  const to = maxInstant(now, watermark);
  const ordinaryFrom = addMs(watermark, -overlapMs);
  const clockNote = watermark > now ? ` (the watermark is ahead of our clock ${now})` : '';
  const deepDueAt = lookback && lookback.reachMs > overlapMs ? deepLookbackDueAt(checkpoint, lookback) : null;
  if (deepDueAt !== null && deepDueAt <= epochMsOf(now)) {
    return {
      kind: 'new',
      mode: 'incremental',
      window: { from: addMs(watermark, -lookback!.reachMs), to },
      lookback: { ordinaryFrom },
      reason:
        `incremental from watermark ${watermark} minus ${durationText(lookback!.reachMs)}: a deep lookback ` +
        `(every ${durationText(lookback!.everyMs)}; the overlap is ${durationText(overlapMs)})${clockNote}`,
    };
  }
  const overlap = overlapMs === 0 ? 'with no overlap' : `minus ${durationText(overlapMs)} overlap`;
  const next =
    deepDueAt === null ? '' : `; next deep lookback (${durationText(lookback!.reachMs)}) due at ${new Date(deepDueAt).toISOString()}`;
  return {
    kind: 'new',
    mode: 'incremental',
    window: { from: ordinaryFrom, to },
    reason: `incremental from watermark ${watermark} ${overlap}${clockNote}${next}`,
  };
}

/** When the next deep lookback is due (epoch ms): one period after the last window that reached back that far; now when none did. */
function deepLookbackDueAt(checkpoint: Checkpoint, lookback: LookbackSettings): number {
  return checkpoint.lookedBackTo ? epochMsOf(checkpoint.lookedBackTo) + lookback.everyMs : Number.NEGATIVE_INFINITY;
}

/** Whether the next tick resumes this failed full resync by itself: its automatic resumes are not all spent. */
export function resumesAutomatically(run: Pick<RunProgress, 'autoResumes'>, autoResumes: number): boolean {
  return (run.autoResumes ?? 0) < autoResumes;
}

/** The failed run's error name when it is one the state machine retries (it may pass by itself), else null. */
export function transientErrorOf(run: RunProgress): string | null {
  const name = run.error?.name;
  return name !== undefined && (RETRYABLE_ERROR_NAMES as readonly string[]).includes(name) ? name : null;
}

/** The mode the plan runs in: a resume runs as the run it resumes. */
export function plannedMode(plan: RunPlan): SyncMode {
  return plan.kind === 'resume' ? plan.run.mode : plan.mode;
}
