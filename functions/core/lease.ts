// The stream's lease from the run's side: whose it is, whether its holder still runs (so a dead run's lease can be
// taken over at once instead of after expiry), and the saved progress a step may touch only while the lease is its own.
import { LeaseLostError, RunInProgressError } from './errors';
import { executionNameFor } from './execution-name';
import { describeError } from './run-outcome';
import type { ExecutionStarter, ExecutionStatus, Log } from './ports';
import type { Lease, RunProgress, SyncState } from './run-types';

/** What a refusal (409, a skipped tick) says about the run holding the lease. */
export function runningFrom(lease: Lease): RunInProgressError['running'] {
  return { runId: lease.owner, executionName: lease.executionName, mode: lease.mode, expiresAt: lease.expiresAt };
}

/** Why a write of `owner`'s was refused, as the stream's lease now says: released, expired, or another run's. */
export function leaseLostError(stream: string, owner: string, current: Lease | null): LeaseLostError {
  const where = `stream ${stream}: run ${owner} no longer holds the lease`;
  if (!current) return new LeaseLostError(`${where}; nobody holds it now (it was released)`);
  const expiry = new Date(current.expiresAt).toISOString();
  if (current.owner === owner) return new LeaseLostError(`${where}: it expired at ${expiry}`);
  return new LeaseLostError(
    `${where}; run ${current.owner} (execution ${current.executionName}, ${current.mode}) holds it now, until ${expiry}`,
  );
}

/** The saved progress of run `runId`, provided `leaseOwner`'s chain still holds a live lease; LeaseLostError otherwise. */
export function ownSavedRun(current: SyncState, leaseOwner: string, runId: string, nowMs: number): RunProgress {
  const lease = current.lease;
  if (!lease || lease.owner !== leaseOwner || lease.expiresAt <= nowMs) {
    throw new LeaseLostError(
      `run ${runId} no longer holds the ${current.stream} lease` +
        (lease && lease.owner !== leaseOwner ? ` (now held by ${lease.executionName})` : ' (it expired)'),
    );
  }
  if (!current.run || current.run.runId !== runId) {
    throw new LeaseLostError(`run ${runId} has no saved progress on stream ${current.stream}`);
  }
  return current.run;
}

export interface EndedExecution {
  executionName: string;
  /** As Step Functions said; `EXPRESS_ENDED` for an Express execution, which it cannot describe: ended by its clock. */
  status: ExecutionStatus | 'EXPRESS_ENDED';
  /** When it ended (epoch ms); null when Step Functions did not say. */
  stoppedAtMs: number | null;
}

/**
 * When no step of an ended execution can still run: a Lambda invocation outlives the execution that started it by up
 * to its timeout, and a step still running writes orders and claims (its conditional writes keep versions right, but
 * the counter would miss its inserts). Null when the execution did not say when it ended: never, then (expiry remains).
 */
export function stepsSettledAt(ended: EndedExecution, stepTimeoutMs: number): number | null {
  return ended.stoppedAtMs === null ? null : ended.stoppedAtMs + stepTimeoutMs;
}

/** AWS ends an Express execution 5 minutes after its start at the latest (an incremental run's first part). */
export const EXPRESS_EXECUTION_MAX_MS = 5 * 60_000;

/**
 * How long after a trigger writes the lease it may start the execution: within its own Lambda timeout (15 s); a
 * minute leaves room for a clock a little off between two Lambdas.
 */
export const TRIGGER_START_SLACK_MS = 60_000;

/**
 * When an Express part holding `lease` has surely ended: the lease was last written (`expiresAt - leaseMs`) by the
 * trigger that started it, at most TRIGGER_START_SLACK_MS before its start, or by one of its steps, after it; so it
 * started by then plus the slack, and ended at most EXPRESS_EXECUTION_MAX_MS after that. A later write (a step that
 * outlived its execution renews the lease too) only moves the bound later.
 */
export function expressEndedBy(lease: Lease, leaseMs: number): number {
  return lease.expiresAt - leaseMs + TRIGGER_START_SLACK_MS + EXPRESS_EXECUTION_MAX_MS;
}

/**
 * The last execution of the run holding `lease`, when it has ended and no execution of that run is running; null
 * when one may still run. A run is a chain: the execution that took the lease, then `executionNameFor(owner, part)`
 * for each continue-as-new part (the saved run names the current one), each started by the one before while it ran.
 * So: follow the chain to its last execution; the run is dead when that one ended (ABORTED, TIMED_OUT, FAILED).
 * Live (null) when an execution runs, when the first is not found (a trigger between its lease and its start), when
 * the last SUCCEEDED (it handed over: its next part exists, just not visible yet), or when Step Functions cannot be
 * asked: never take a live run's lease; expiry remains the way out.
 * An incremental run's first part runs on the Express machine, which Step Functions does not describe (the starter
 * asks the Standard machine, which answers "no such execution"): unless its second part is found there (handed over),
 * it is taken as ended once expressEndedBy has passed, whatever became of it.
 */
export async function findEndedExecution(
  deps: { starter: Pick<ExecutionStarter, 'status'>; log: Log; clock: () => number; settings: { leaseMs: number } },
  lease: Lease,
  run: RunProgress | null,
): Promise<EndedExecution | null> {
  let part = 1;
  let executionName = lease.executionName;
  try {
    if (run !== null && run.part > 1 && run.executionName === executionNameFor(lease.owner, run.part)) {
      part = run.part;
      executionName = run.executionName;
    }
    let state = await deps.starter.status(executionName);
    if (state === null && part === 1 && lease.mode === 'incremental') {
      const handedOverTo = executionNameFor(lease.owner, 2);
      state = await deps.starter.status(handedOverTo);
      if (state === null) {
        const endedBy = expressEndedBy(lease, deps.settings.leaseMs);
        return deps.clock() < endedBy ? null : { executionName, status: 'EXPRESS_ENDED', stoppedAtMs: endedBy };
      }
      part = 2;
      executionName = handedOverTo;
    }
    if (state === null) return null;
    while (state.status !== 'RUNNING' && state.status !== 'PENDING_REDRIVE') {
      const nextName = executionNameFor(lease.owner, part + 1);
      const next = await deps.starter.status(nextName);
      if (next === null) return state.status === 'SUCCEEDED' ? null : { executionName, ...state };
      part += 1;
      executionName = nextName;
      state = next;
    }
    return null;
  } catch (error) {
    deps.log.warn('could not tell whether the run holding the lease still runs: taken as running', {
      runId: lease.owner,
      execution: executionName,
      error: describeError(error),
    });
    return null;
  }
}
