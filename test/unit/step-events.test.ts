// What the state machine hands from step to step goes through these schemas: a field of the run they did not name
// would be dropped between two steps (zod strips unknown keys), and whatever it holds would be lost for the next one.
import type { RunState } from '../../functions/core/run-state';
import type { RunProgress } from '../../functions/core/run-types';
import { beginEventSchema, failedRunSchema, parseStepEvent, runStateSchema } from '../../functions/handlers/step-events';
import { aRunProgress, aRunState } from '../support/run-factory';

/** A run with every optional field set: `Required` makes a field added to RunProgress fail to compile here until set. */
const everyField: Required<RunProgress> = {
  ...aRunProgress({ runId: 'full-http-20260101T115800Z-f001', pages: 4 }),
  position: { phase: 'deletions', cursor: 'deleted-cursor-2', step: 6 },
  // The walk's loop check (cursor-walk.ts): lost between steps, a loop longer than one page is never caught.
  cursorMark: { digest: '0123456789abcdef0123456789abcdef', step: 4 },
  // The bound on automatic resumes of a failed full resync.
  autoResumes: 2,
  lookback: { ordinaryFrom: '2026-01-01T11:50:00.000000Z', found: 3 },
  error: { name: 'SourceUnavailableError', message: '503 on page 4', page: 4, at: '2026-01-01T12:00:00.000000Z' },
  status: 'failed',
  // The zone begin resolved for the daily sales: the page steps and the recompute count in it.
  salesZone: 'America/Los_Angeles',
  salesRebuild: true,
};

describe('the step events', () => {
  const state: RunState = { ...aRunState(), waitSeconds: 3, run: everyField };

  it('hand every field of the run from one step to the next', () => {
    expect(parseStepEvent(runStateSchema, state, 'SyncPage')).toEqual(state);
  });

  it('hand every field of a failed run to the failure step, and of a run handed over to the next part', () => {
    const failed = { ...state, error: { Error: 'SourceUnavailableError', Cause: '{}' } };
    expect(parseStepEvent(failedRunSchema, failed, 'RecordFailure')).toEqual(failed);

    const handedOver = { input: { continueRun: state }, executionName: 'exec-p2', executionArn: 'arn:exec-p2' };
    expect(parseStepEvent(beginEventSchema, handedOver, 'Begin')).toEqual(handedOver);
  });

  it('give a run handed over by the version before the position its position, at the same step', () => {
    const { position: _none, ...rest } = everyField;
    const oldRun = {
      ...rest,
      pages: 4,
      cursor: null,
      phase: 'deletions',
      phaseCursor: 'deleted-cursor-2',
      deletionSteps: 2,
      walked: false,
    };
    const handedOver = { input: { continueRun: { ...state, run: oldRun } }, executionName: 'exec-p2', executionArn: 'arn:exec-p2' };

    expect(parseStepEvent(beginEventSchema, handedOver, 'Begin')).toEqual({
      ...handedOver,
      input: { continueRun: { ...state, run: everyField } },
    });
  });

  it('refuse a run with neither a position nor the cursor an earlier version saved, naming the field', () => {
    const { position: _none, ...withoutPosition } = everyField;

    expect(() => parseStepEvent(runStateSchema, { ...state, run: withoutPosition }, 'SyncPage')).toThrow(
      'SyncPage: invalid input: run.position: Required',
    );
  });
});
