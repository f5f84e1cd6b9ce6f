// Where a run is (docs/design.md "SyncPage: the looped step"): its phase, the phase's cursor and the step number,
// moved on by each step's save; and the progress a run saved before the position existed, read into it.
import type { RunAt } from './ports';
import type { RunState } from './run-state';
import type { RunPhase, RunPosition, RunProgress, SyncMode } from './run-types';

/** A run's position before its first step. */
export const START: RunPosition = Object.freeze({ phase: 'records', cursor: null, step: 0 });

/** Which phases a run takes after its record pages: the feed when the source has one, reconciliation (full runs) when on. */
export interface PhasePlan {
  deletionFeed: boolean;
  reconcile: boolean;
  /** The daily sales' touched days recomputed last (the orders stream, when it keeps them). */
  dailySales?: boolean;
}

/** The position once the step at `position` is saved: the phase's next cursor, or the next phase from its start. */
export function positionAfter(position: RunPosition, nextCursor: string | null, mode: SyncMode, plan: PhasePlan): RunPosition {
  const step = position.step + 1;
  if (nextCursor !== null) return { phase: position.phase, cursor: nextCursor, step };
  const phases: RunPhase[] = ['records'];
  if (plan.deletionFeed) phases.push('deletions');
  if (plan.reconcile && mode === 'full') phases.push('reconcile');
  if (plan.dailySales) phases.push('sales');
  return { phase: phases[phases.indexOf(position.phase) + 1] ?? 'done', cursor: null, step };
}

/** Which run a slot of the stream's item holds, at which step (null: none): what a guarded save expects. */
export function runAt(run: RunProgress | null | undefined): RunAt | null {
  return run ? { runId: run.runId, step: run.position.step } : null;
}

/** The run state once `progress` is saved; `waitSeconds`: how long the source asked to wait before the next step. */
export function after(state: RunState, progress: RunProgress, waitSeconds = 0): RunState {
  const { waitSeconds: _lastWait, ...rest } = state;
  return {
    ...rest,
    ...(waitSeconds > 0 ? { waitSeconds } : {}),
    run: progress,
    pagesInPart: state.pagesInPart + Math.max(0, progress.position.step - state.run.position.step),
    done: progress.position.phase === 'done',
  };
}

/** A progress as saved by any version: with its position, or with the fields that held it before it was one. */
export type SavedProgress = Omit<RunProgress, 'position'> & {
  position?: RunPosition;
  cursor?: string | null;
  phase?: 'deletions' | 'reconcile';
  phaseCursor?: string | null;
  deletionSteps?: number;
  walked?: boolean;
};

/**
 * A saved progress as this version holds it: one saved before the position existed (a stack updated mid-run keeps
 * it in its sync-state item and in its execution's input) gets its position from the fields that held it then, which
 * are dropped. The step number is the same (record pages plus steps after them), so the run's write tags and its
 * claimed ids carry on. A progress that has its position is returned as it is.
 */
export function withPosition(saved: SavedProgress): RunProgress {
  const { position, cursor = null, phase, phaseCursor = null, deletionSteps = 0, walked, ...rest } = saved;
  if (position) return { ...rest, position };
  const step = saved.pages + deletionSteps;
  // A run saved before the phases existed, its pages done, went on with the deletion feed.
  const legacyPhase = phase ?? (saved.pages > 0 && cursor === null ? 'deletions' : 'records');
  return {
    ...rest,
    position:
      walked === true
        ? { phase: 'done', cursor: null, step }
        : { phase: legacyPhase, cursor: legacyPhase === 'records' ? cursor : phaseCursor, step },
  };
}
