// Use case "record failure": where every failed step's Catch leads. The checkpoint does not move.
import { LeaseLostError } from '../errors';
import { instantFromEpochMs } from '../instant';
import { outcomeOf, runErrorFrom } from '../run-outcome';
import type { Clock, Log, RunMetrics, SyncStateStore } from '../ports';
import type { CaughtError, RunState } from '../run-state';
import type { RunOutcome, RunProgress } from '../run-types';

export interface RecordFailureDeps {
  state: Pick<SyncStateStore, 'get' | 'recordFailure'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
}

/**
 * Step "record failure":
 * 1. the error Step Functions caught becomes the run's error, with the page it failed on;
 * 2. in one conditional write: the run's saved progress kept with its error (a full resync resumes from it), the
 *    outcome recorded (the status shows it), the lease released;
 * 3. a run whose lease went to another run writes nothing: the error stays in this execution's history.
 */
export async function recordFailure(deps: RecordFailureDeps, state: RunState & { error?: CaughtError }): Promise<RunOutcome> {
  const now = instantFromEpochMs(deps.clock());
  const current = await deps.state.get(state.stream);
  const saved = current.run?.runId === state.run.runId ? current.run : state.run;
  const error = runErrorFrom(state.error, saved.pages, now);
  const failedRun: RunProgress = { ...saved, status: 'failed', error, updatedAt: now };
  const outcome = outcomeOf(state.stream, failedRun, {
    finishedAt: now,
    watermark: current.checkpoint?.watermark,
    orderCount: current.orderCount,
  });
  try {
    await deps.state.recordFailure(state.stream, state.leaseOwner, failedRun, outcome);
  } catch (failure) {
    if (!(failure instanceof LeaseLostError)) throw failure;
    deps.log.warn('failure not recorded: the lease is no longer ours', { runId: saved.runId, reason: failure.message });
  }
  deps.log.error('run failed', { runId: saved.runId, page: error.page, error: error.name, reason: error.message });
  deps.metrics?.run(outcome);
  return outcome;
}
