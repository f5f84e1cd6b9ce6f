// Settles a run whose executions no longer run: the local stack stopped (Ctrl-C) or was killed mid-run. Its lease
// would otherwise block every trigger until it expires (15 min); recorded as interrupted, the run is resumable at once.
import type { SyncStateStore } from '../../functions/core/ports';
import type { RunError, RunProgress } from '../../functions/core/run-types';
import { outcomeOf } from '../../functions/core/run-outcome';
import { instantFromEpochMs } from '../../functions/core/instant';

export const INTERRUPTED_ERROR = 'Interrupted';

export interface SettledRun {
  runId: string;
  mode: RunProgress['mode'];
  /** Pages saved before the interruption (null: the trigger had taken the lease, no page had begun). */
  pages: number | null;
  resumable: boolean;
}

/**
 * Call it only when no execution of this stream can be running: at the local stack's start (dynalite's LevelDB lock
 * keeps a second stack off the same data, and this one has not started any), or after its executions were stopped.
 * The product's lease rules stay as they are: this is the lease holder itself, known dead, giving the lease back
 * through the store's owner-conditional writes, as the run's own RecordFailure step would have.
 * - a run in flight: recorded as failed with an `Interrupted` error, progress kept (a full resync resumes from it);
 * - a lease taken by a trigger whose execution never began: released.
 */
export async function settleInterruptedRun(store: SyncStateStore, stream: string, nowMs: number, why: string): Promise<SettledRun | null> {
  const state = await store.get(stream);
  const lease = state.lease;
  if (!lease) return null;
  const run = state.run;
  if (!run || run.status !== 'running') {
    await store.releaseLease(stream, lease.owner);
    return { runId: lease.owner, mode: lease.mode, pages: null, resumable: run?.mode === 'full' };
  }
  const at = instantFromEpochMs(nowMs);
  const error: RunError = { name: INTERRUPTED_ERROR, message: `${why} at page ${run.pages}`, page: run.pages, at };
  const failedRun: RunProgress = { ...run, status: 'failed', error, updatedAt: at };
  await store.recordFailure(
    stream,
    lease.owner,
    failedRun,
    outcomeOf(stream, failedRun, { finishedAt: at, watermark: state.checkpoint?.watermark, orderCount: state.orderCount }),
  );
  return { runId: run.runId, mode: run.mode, pages: run.pages, resumable: run.mode === 'full' };
}
