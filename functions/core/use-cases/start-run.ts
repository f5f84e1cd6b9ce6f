// Use case "start a run": what a trigger (the HTTP API, the schedule, the CLI) does to start a sync.
import type { StreamName } from '../stream';
import { RunInProgressError } from '../errors';
import { executionNameFor, newRunId } from '../execution-name';
import { instantFromEpochMs } from '../instant';
import { findEndedExecution, runningFrom, stepsSettledAt } from '../lease';
import { plannedMode, planRun } from '../plan';
import type { Clock, ExecutionStarter, Log, SyncStateStore } from '../ports';
import type { ExecutionInput } from '../run-state';
import type { Lease, SyncMode, Trigger } from '../run-types';

export interface StartDeps {
  /** `stepTimeoutMs`: a page step's Lambda timeout, how long a step may outlive its stopped execution. */
  settings: { stream: StreamName; leaseMs: number; overlapMs: number; stepTimeoutMs: number; autoResumes?: number };
  state: Pick<SyncStateStore, 'get' | 'acquireLease' | 'takeOverLease' | 'releaseLease'>;
  starter: ExecutionStarter;
  clock: Clock;
  log: Log;
  /** The run id's random suffix (tests). */
  random?: () => string;
}

export interface StartRequest {
  mode: SyncMode;
  trigger: Trigger;
  resume: boolean;
}

/** The trigger's answer: the run it started and its first execution. */
export interface StartedRun {
  runId: string;
  mode: SyncMode;
  executionName: string;
  executionArn: string;
  startDate: string;
  /** The parked full resync this new full one discards (begin discards it), when there is one. */
  discardsParked: { runId: string; pages: number } | null;
}

/**
 * Start a run from a trigger:
 * 1. refuse at once when a live lease is held by a run with an execution still running, or that we cannot tell
 *    (RunInProgressError), or when a resume has nothing to resume (planning names the run for what it will do);
 * 2. take the lease for the new run (taking it over from a run whose executions have all ended: stopped, timed
 *    out; when a step of it had claimed a page it never saved, only once that step's Lambda timeout has passed since
 *    the end, so no late write escapes the counter), so two triggers arriving together cannot both start one;
 * 3. start the first execution with a name that says mode, trigger and time; give the lease back if that fails.
 */
export async function startRun(deps: StartDeps, request: StartRequest): Promise<StartedRun> {
  const { stream, leaseMs, overlapMs } = deps.settings;
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(stream);
  const held = current.lease && current.lease.expiresAt > nowMs ? current.lease : null;
  const ended = held ? await findEndedExecution(deps, held, current.run) : null;
  if (held && !ended) throw new RunInProgressError(runningFrom(held));
  // A step of the dead run between its claim and its save (claimed ids pending) may still be writing orders the
  // counter would miss; a step that has not claimed yet can write nothing once the lease is another's.
  const settledAt = ended ? stepsSettledAt(ended, deps.settings.stepTimeoutMs) : null;
  if (held && ended && current.pendingIds.length > 0 && (settledAt === null || nowMs < settledAt)) {
    deps.log.info(`the run holding the lease ended ${ended.status}, but a step of it may still run: its lease is kept`, {
      runId: held.owner,
      execution: ended.executionName,
      stepsSettledAt: settledAt === null ? 'unknown (lease expiry)' : instantFromEpochMs(settledAt),
    });
    throw new RunInProgressError(runningFrom(held));
  }

  const plan = planRun({
    request,
    checkpoint: current.checkpoint,
    unfinishedRun: current.run,
    parkedRun: current.parked?.run ?? null,
    now,
    overlapMs,
    autoResumes: deps.settings.autoResumes,
  });
  const mode = plannedMode(plan);
  const parked = current.parked?.run;
  const discardsParked = parked && plan.kind === 'new' && plan.mode === 'full' ? { runId: parked.runId, pages: parked.pages } : null;
  const runId = newRunId(stream, mode, request.trigger, now, deps.random);
  const executionName = executionNameFor(runId, 1);
  const lease: Lease = { owner: runId, executionName, mode, trigger: request.trigger, expiresAt: nowMs + leaseMs };
  // Taking over is conditional on the dead run still holding the lease: when another trigger took it first, the
  // ordinary acquire refuses, naming that trigger's run.
  const tookOver = held !== null && ended !== null && (await deps.state.takeOverLease(stream, lease, held.owner));
  if (tookOver) {
    deps.log.warn(`lease taken over from run ${held.owner}: its execution ${ended.executionName} ended ${ended.status}`, {
      deadRunId: held.owner,
      execution: ended.executionName,
      status: ended.status,
      runId,
    });
  } else {
    const attempt = await deps.state.acquireLease(stream, lease, nowMs);
    if (!attempt.acquired) throw new RunInProgressError(runningFrom(attempt.holder));
  }

  const input: ExecutionInput = { stream, mode, trigger: request.trigger, resume: request.resume, runId };
  try {
    const started = await deps.starter.start(executionName, input);
    deps.log.info('run started', { runId, mode, trigger: request.trigger, executionName, resume: request.resume });
    if (discardsParked) {
      deps.log.warn(
        `the parked full resync ${discardsParked.runId} (page ${discardsParked.pages}) is discarded: run ${runId} starts a new one`,
        {
          discardedRunId: discardsParked.runId,
          runId,
        },
      );
    }
    return { runId, mode, executionName, executionArn: started.executionArn, startDate: started.startDate, discardsParked };
  } catch (error) {
    await deps.state.releaseLease(stream, runId);
    throw error;
  }
}
