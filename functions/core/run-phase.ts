// Where a run stands among its steps: the order pages, then the deletion feed, then (a full run) reconciliation
// (docs/design.md "Deletions"). One step number orders them all: it tags a step's writes and guards its save.
import type { RunState } from './run-state';
import type { RunPhase, RunProgress, SyncMode } from './run-types';

/** The step the run is at: order pages done plus steps done after them (a write tag's number, a save's guard). */
export function stepOf(run: Pick<RunProgress, 'pages' | 'deletionSteps'>): number {
  return run.pages + (run.deletionSteps ?? 0);
}

/** Every step is done: commit is next. */
export function isWalked(run: Pick<RunProgress, 'walked'>): boolean {
  return run.walked === true;
}

/** What the run's next step does. A run saved before phases existed, its pages done, goes on with the feed. */
export function phaseOf(run: Pick<RunProgress, 'phase' | 'pages' | 'cursor'>): 'records' | RunPhase {
  return run.phase ?? (run.pages > 0 && run.cursor === null ? 'deletions' : 'records');
}

/** Which steps a run takes after its order pages: the feed when the source has one, reconciliation (full runs) when on. */
export interface PhasePlan {
  deletionFeed: boolean;
  reconcile: boolean;
}

/** The progress fields once `finished` is done: the next phase from its start, or walked when none is left. */
export function afterPhase(
  finished: 'records' | RunPhase,
  mode: SyncMode,
  plan: PhasePlan,
): Pick<RunProgress, 'phase' | 'phaseCursor' | 'walked'> {
  const order: RunPhase[] = [];
  if (plan.deletionFeed) order.push('deletions');
  if (plan.reconcile && mode === 'full') order.push('reconcile');
  const next = finished === 'records' ? order[0] : order[order.indexOf(finished) + 1];
  return next === undefined ? { phase: undefined, phaseCursor: null, walked: true } : { phase: next, phaseCursor: null, walked: false };
}

/** The run state once `progress` is saved; `waitSeconds`: how long the source asked to wait before the next page. */
export function after(state: RunState, progress: RunProgress, waitSeconds = 0): RunState {
  const { waitSeconds: _lastWait, ...rest } = state;
  return {
    ...rest,
    ...(waitSeconds > 0 ? { waitSeconds } : {}),
    run: progress,
    pagesInPart: state.pagesInPart + Math.max(0, stepOf(progress) - stepOf(state.run)),
    done: isWalked(progress),
  };
}
