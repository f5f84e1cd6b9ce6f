// Where a run is: the position each step's save moves on, and a run saved by the version before the position
// existed (its sync-state item, a parked resync, an execution's input) read into one with the same step number.
import { positionAfter, START, withPosition, type SavedProgress } from '../../functions/core/run-position';
import type { RunPosition } from '../../functions/core/run-types';
import { aRunProgress } from '../support/run-factory';

const BOTH = { deletionFeed: true, reconcile: true };
const NONE = { deletionFeed: false, reconcile: false };

/** A progress as the previous version saved it: no position, the fields that held it instead. */
function savedBefore(fields: Partial<SavedProgress> & { pages: number }): SavedProgress {
  const { position: _none, ...rest } = aRunProgress({ pages: fields.pages });
  return { ...rest, ...fields };
}

describe('the position after a step', () => {
  it('keeps the phase while it has a next cursor, and counts every step', () => {
    expect(positionAfter(START, 'c1', 'full', BOTH)).toEqual({ phase: 'records', cursor: 'c1', step: 1 });
    expect(positionAfter({ phase: 'deletions', cursor: 'f1', step: 5 }, 'f2', 'full', BOTH)).toEqual({
      phase: 'deletions',
      cursor: 'f2',
      step: 6,
    });
  });

  it('goes to the next phase the plan and the mode take, from its start, and to done after the last', () => {
    const lastPage: RunPosition = { phase: 'records', cursor: 'c3', step: 3 };
    expect(positionAfter(lastPage, null, 'full', BOTH)).toEqual({ phase: 'deletions', cursor: null, step: 4 });
    expect(positionAfter(lastPage, null, 'full', { deletionFeed: false, reconcile: true })).toMatchObject({ phase: 'reconcile' });
    expect(positionAfter({ phase: 'deletions', cursor: 'f1', step: 4 }, null, 'full', BOTH)).toMatchObject({ phase: 'reconcile' });
    // Reconciliation is a full run's only.
    expect(positionAfter({ phase: 'deletions', cursor: 'f1', step: 4 }, null, 'incremental', BOTH)).toMatchObject({ phase: 'done' });
    expect(positionAfter(lastPage, null, 'full', NONE)).toEqual({ phase: 'done', cursor: null, step: 4 });
  });
});

describe('a run saved before the position existed', () => {
  it('in its record pages: the pages cursor, at the pages done', () => {
    expect(withPosition(savedBefore({ pages: 3, cursor: 'c3' })).position).toEqual({ phase: 'records', cursor: 'c3', step: 3 });
    expect(withPosition(savedBefore({ pages: 0, cursor: null })).position).toEqual(START);
  });

  it('in the deletion feed or reconciliation: the phase cursor, at the pages plus the steps after them', () => {
    const inFeed = savedBefore({ pages: 3, cursor: null, phase: 'deletions', phaseCursor: 'f1', deletionSteps: 1, walked: false });
    const reconciling = savedBefore({ pages: 3, cursor: null, phase: 'reconcile', phaseCursor: null, deletionSteps: 2 });

    expect(withPosition(inFeed).position).toEqual({ phase: 'deletions', cursor: 'f1', step: 4 });
    expect(withPosition(reconciling).position).toEqual({ phase: 'reconcile', cursor: null, step: 5 });
  });

  it('walked (commit next): done; saved before the phases existed with its pages done: the deletion feed next', () => {
    const walked = savedBefore({ pages: 3, cursor: null, deletionSteps: 2, walked: true });
    const beforePhases = savedBefore({ pages: 3, cursor: null });

    expect(withPosition(walked).position).toEqual({ phase: 'done', cursor: null, step: 5 });
    expect(withPosition(beforePhases).position).toEqual({ phase: 'deletions', cursor: null, step: 3 });
  });

  it('keeps every other field and drops the old ones; a run that has its position is read as it is', () => {
    const old = savedBefore({ pages: 3, cursor: null, phase: 'deletions', phaseCursor: 'f1', deletionSteps: 1, walked: false });
    const read = withPosition(old);

    expect(Object.keys(read).filter((key) => ['cursor', 'phase', 'phaseCursor', 'deletionSteps', 'walked'].includes(key))).toEqual([]);
    expect(read).toMatchObject({ runId: old.runId, pages: 3, counts: old.counts, window: old.window });
    const current = aRunProgress({ pages: 2, position: { phase: 'records', cursor: 'c2', step: 2 } });
    expect(withPosition(current)).toEqual(current);
  });
});
