// Use case "commit": the run's last step when every page is saved. The only place the checkpoint moves.
import { SalesDaysLeftError } from '../errors';
import { epochMsOf, instantFromEpochMs, maxInstant } from '../instant';
import { ownSavedRun } from '../lease';
import { newlyQuarantinedOf, QUARANTINE_LISTED } from '../quarantine';
import { outcomeOf } from '../run-outcome';
import type { Clock, Log, QuarantineStore, RunMetrics, SyncStateStore, TouchedDaysStore } from '../ports';
import type { RunState } from '../run-state';
import type { Instant } from '../order';
import type { Checkpoint, RunOutcome, RunProgress } from '../run-types';
import { watermarkOf } from '../source-clock';

export interface CommitDeps {
  state: Pick<SyncStateStore, 'get' | 'commit' | 'saveProgress'>;
  quarantine: Pick<QuarantineStore, 'firstSeenBetween'>;
  clock: Clock;
  log: Log;
  metrics?: RunMetrics;
  /** The stream that keeps the daily sales and its touched days (absent: none kept). */
  sales?: { stream: string; touched: Pick<TouchedDaysStore, 'touched'> };
}

/**
 * Step "commit":
 * 1. read the run's saved progress, which every page saved (a retry after a commit that landed answers its outcome);
 *    when the stream keeps the daily sales and a day was touched after its sales phase ended, send the run back to
 *    that phase (SalesDaysLeftError) rather than commit figures the copy no longer agrees with;
 * 2. the new checkpoint: the watermark moves to the window's upper bound (never the wall clock at commit time, never
 *    past the source's clock at plan time), the seed's metadata from the run's counts;
 * 3. the orders quarantined since the previous commit (first seen after its time, up to this one's): the outcome
 *    names them and the state machine announces them, so each is announced once, by the first commit after it;
 * 4. in one conditional write: the checkpoint, the run's outcome, the progress cleared and the lease released.
 */
export async function commitRun(deps: CommitDeps, state: RunState): Promise<RunOutcome> {
  const nowMs = deps.clock();
  const now = instantFromEpochMs(nowMs);
  const current = await deps.state.get(state.stream);
  if (current.lastRun?.runId === state.run.runId && current.lease?.owner !== state.leaseOwner) return current.lastRun;
  const progress = ownSavedRun(current, state.leaseOwner, state.run.runId, nowMs);
  await sendBackWhileDaysLeft(deps, state, progress, current.lease!.expiresAt);
  const previous = current.checkpoint;
  const checkpoint: Checkpoint = {
    watermark: maxInstant(previous?.watermark ?? null, watermarkOf(progress)),
    lastSyncTime: now,
    lastRecordTime: maxInstant(previous?.lastRecordTime ?? null, progress.maxRecordTime),
    recordsSynced: progress.counts.fetched,
    isFullSync: progress.mode === 'full',
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    sourceClockSkewMs: progress.sourceClockSkewMs,
    ...lookbackOf(progress, previous, now),
  };
  const firstSeen = await deps.quarantine.firstSeenBetween(
    state.stream,
    { after: previous?.lastSyncTime ?? null, until: now },
    QUARANTINE_LISTED,
  );
  const newlyQuarantined = newlyQuarantinedOf(firstSeen);
  const outcome: RunOutcome = {
    ...outcomeOf(state.stream, progress, { finishedAt: now, watermark: checkpoint.watermark, orderCount: current.orderCount }),
    ...(newlyQuarantined ? { newlyQuarantined } : {}),
  };
  await deps.state.commit(state.stream, state.leaseOwner, checkpoint, outcome);
  deps.log.info('run committed', { ...outcome });
  deps.metrics?.run(outcome, { watermarkLagSeconds: (nowMs - epochMsOf(checkpoint.watermark)) / 1000 });
  if (progress.lookback && progress.lookback.found > 0) {
    deps.log.warn('the deep lookback found changes every ordinary window had missed: the source makes changes visible late', {
      runId: progress.runId,
      found: progress.lookback.found,
      ordinaryFrom: progress.lookback.ordinaryFrom,
    });
  }
  return outcome;
}

/**
 * One consistent read of the touched days (the sales phase left none, so this is nearly always empty). A day left was
 * touched by a write after the phase's last read of them: the run's position goes back to the sales phase, saved
 * under the lease like a step's, and the state machine catches the error into the page loop, which takes the run up
 * at that position. A touch landing after this read is a write after the commit: the next run recomputes its days.
 */
async function sendBackWhileDaysLeft(deps: CommitDeps, state: RunState, progress: RunProgress, leaseExpiresAt: number): Promise<void> {
  if (deps.sales?.stream !== state.stream) return;
  const left = [...(await deps.sales.touched.touched(state.stream)).keys()];
  if (left.length === 0) return;
  const step = progress.position.step;
  await deps.state.saveProgress(
    state.stream,
    state.leaseOwner,
    { ...progress, position: { phase: 'sales', cursor: null, step: step + 1 } },
    { expectedStep: step, orderCountDelta: 0, leaseExpiresAt },
  );
  throw new SalesDaysLeftError(
    `run ${progress.runId}: ${left.length} daily sales day(s) touched after its sales phase (${left.slice(0, 3).join(', ')}` +
      `${left.length > 3 ? ', ...' : ''}): not committed, sent back to the sales phase at step ${step + 1}`,
  );
}

/**
 * What the checkpoint keeps of deep lookbacks: a full run or a deep one moves the next one's due time (its window
 * reached back that far); a deep one's finding replaces the last; other runs carry both over.
 */
function lookbackOf(
  progress: RunProgress,
  previous: Checkpoint | null,
  now: Instant,
): Pick<Checkpoint, 'lookedBackTo' | 'lastDeepLookback'> {
  const reachedBack = progress.mode === 'full' || progress.lookback !== undefined;
  return {
    lookedBackTo: reachedBack ? progress.window.to : (previous?.lookedBackTo ?? null),
    lastDeepLookback: progress.lookback
      ? {
          runId: progress.runId,
          at: now,
          reachedFrom: progress.window.from ?? progress.lookback.ordinaryFrom,
          ordinaryFrom: progress.lookback.ordinaryFrom,
          found: progress.lookback.found,
        }
      : (previous?.lastDeepLookback ?? null),
  };
}
