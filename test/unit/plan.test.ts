// planRun: which window a run syncs, or which unfinished full resync it resumes, and why.
import { NothingToResumeError } from '../../functions/core/errors';
import { planRun, type RunRequest } from '../../functions/core/plan';
import type { Checkpoint, RunProgress } from '../../functions/core/run-types';

const NOW = '2026-11-25T15:01:02.345000Z';
const FIVE_MIN = 5 * 60_000;

function checkpointAt(watermark: string): Checkpoint {
  return {
    watermark,
    lastSyncTime: watermark,
    lastRecordTime: null,
    recordsSynced: 10,
    isFullSync: false,
    createdAt: '2026-11-01T00:00:00.000000Z',
    updatedAt: watermark,
    sourceClockSkewMs: null,
  };
}

function unfinished(overrides: Partial<RunProgress> = {}): RunProgress {
  return {
    runId: 'full-http-20261125T140000Z-7f3a',
    mode: 'full',
    trigger: 'http',
    window: { from: null, to: '2026-11-25T14:00:00.000000Z' },
    position: { phase: 'records', cursor: 'cursor-after-page-7', step: 7 },
    pages: 7,
    counts: { fetched: 1750, inserted: 1750, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
    maxRecordTime: '2026-11-25T13:59:00.000000Z',
    expectedTotal: 300_000,
    sourceClockSkewMs: null,
    startedAt: '2026-11-25T14:00:00.000000Z',
    updatedAt: '2026-11-25T14:03:00.000000Z',
    executionName: 'full-http-20261125T140000Z-7f3a-p1',
    part: 1,
    status: 'failed',
    ...overrides,
  };
}

const incremental: RunRequest = { mode: 'incremental', resume: false };
const full: RunRequest = { mode: 'full', resume: false };
const resume: RunRequest = { mode: 'full', resume: true };

describe('planRun, the periodic deep lookback', () => {
  const WATERMARK = '2026-11-25T15:00:00.000000Z';
  const LOOKBACK = { reachMs: 86_400_000, everyMs: 3_600_000 };
  const lookedBackTo = (instant: string | null): Checkpoint => ({ ...checkpointAt(WATERMARK), lookedBackTo: instant });

  it('reaches back the lookback instead of the overlap once a period has passed since the last deep window', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: lookedBackTo('2026-11-25T14:01:02.345000Z'),
      unfinishedRun: null,
      now: NOW,
      overlapMs: FIVE_MIN,
      lookback: LOOKBACK,
    });

    expect(plan).toEqual({
      kind: 'new',
      mode: 'incremental',
      window: { from: '2026-11-24T15:00:00.000000Z', to: NOW },
      lookback: { ordinaryFrom: '2026-11-25T14:55:00.000000Z' },
      reason: `incremental from watermark ${WATERMARK} minus 1440 min: a deep lookback (every 60 min; the overlap is 5 min)`,
    });
  });

  it('keeps the overlap until the period has passed, and says when the next deep lookback is due', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: lookedBackTo('2026-11-25T14:01:02.346000Z'),
      unfinishedRun: null,
      now: NOW,
      overlapMs: FIVE_MIN,
      lookback: LOOKBACK,
    });

    expect(plan).toMatchObject({ window: { from: '2026-11-25T14:55:00.000000Z', to: NOW } });
    expect(plan).not.toHaveProperty('lookback');
    expect(plan.reason).toBe(
      `incremental from watermark ${WATERMARK} minus 5 min overlap; next deep lookback (1440 min) due at 2026-11-25T15:01:02.346Z`,
    );
  });

  it('is due at once for a checkpoint that never looked back', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: lookedBackTo(null),
      unfinishedRun: null,
      now: NOW,
      overlapMs: FIVE_MIN,
      lookback: LOOKBACK,
    });

    expect(plan).toMatchObject({
      window: { from: '2026-11-24T15:00:00.000000Z' },
      lookback: { ordinaryFrom: '2026-11-25T14:55:00.000000Z' },
    });
  });

  it('never reaches back less than the overlap: a lookback of 0 (or not beyond the overlap) is none', () => {
    for (const reachMs of [0, FIVE_MIN]) {
      const plan = planRun({
        request: incremental,
        checkpoint: lookedBackTo(null),
        unfinishedRun: null,
        now: NOW,
        overlapMs: FIVE_MIN,
        lookback: { reachMs, everyMs: 1000 },
      });
      expect(plan).toMatchObject({ window: { from: '2026-11-25T14:55:00.000000Z' } });
      expect(plan).not.toHaveProperty('lookback');
    }
  });

  it('does not change a full run', () => {
    const plan = planRun({
      request: full,
      checkpoint: lookedBackTo(null),
      unfinishedRun: null,
      now: NOW,
      overlapMs: FIVE_MIN,
      lookback: LOOKBACK,
    });

    expect(plan).toEqual({ kind: 'new', mode: 'full', window: { from: null, to: NOW }, reason: 'full resync requested' });
  });

  it('refuses a lookback that is not a whole number of milliseconds', () => {
    expect(() =>
      planRun({
        request: incremental,
        checkpoint: lookedBackTo(null),
        unfinishedRun: null,
        now: NOW,
        overlapMs: 0,
        lookback: { reachMs: 1.5, everyMs: 1 },
      }),
    ).toThrow('lookback must be a whole number of milliseconds >= 0, got 1.5');
  });
});

describe('planRun, incremental', () => {
  it('syncs from the watermark minus the overlap up to now', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.123456Z'),
      unfinishedRun: null,
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toEqual({
      kind: 'new',
      mode: 'incremental',
      window: { from: '2026-11-25T14:51:00.123456Z', to: NOW },
      reason: 'incremental from watermark 2026-11-25T14:56:00.123456Z minus 5 min overlap',
    });
  });

  it('starts exactly at the watermark with an overlap of 0', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: null,
      now: NOW,
      overlapMs: 0,
    });

    expect(plan).toMatchObject({ window: { from: '2026-11-25T14:56:00.000000Z', to: NOW } });
    expect(plan.reason).toBe('incremental from watermark 2026-11-25T14:56:00.000000Z with no overlap');
  });

  it('never moves the watermark back when our clock is behind it', () => {
    const watermark = '2026-11-25T15:10:00.000000Z'; // ahead of NOW: the clock that wrote it ran fast, or ours was set back

    const plan = planRun({ request: incremental, checkpoint: checkpointAt(watermark), unfinishedRun: null, now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toMatchObject({ kind: 'new', window: { from: '2026-11-25T15:05:00.000000Z', to: watermark } });
    expect(plan.reason).toContain('ahead of our clock');
  });

  it('reads an overlap that is not whole minutes in seconds or milliseconds', () => {
    const checkpoint = checkpointAt('2026-11-25T14:56:00.000000Z');

    expect(planRun({ request: incremental, checkpoint, unfinishedRun: null, now: NOW, overlapMs: 30_000 }).reason).toContain(
      'minus 30 s overlap',
    );
    expect(planRun({ request: incremental, checkpoint, unfinishedRun: null, now: NOW, overlapMs: 1500 }).reason).toContain(
      'minus 1500 ms overlap',
    );
  });

  it('with a checkpoint, leaves an unfinished full resync alone unless asked to resume it', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: unfinished(),
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan.kind).toBe('new');
  });

  it.each(['SourceUnavailableError', 'SourceThrottledError', 'StoreWriteError'])(
    'with a checkpoint, resumes a full resync that failed on a transient %s',
    (name) => {
      const failed = unfinished({ error: { name, message: 'the shop was down', page: 7, at: '2026-11-25T14:03:00.000000Z' } });

      const plan = planRun({
        request: incremental,
        checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
        unfinishedRun: failed,
        now: NOW,
        overlapMs: FIVE_MIN,
      });

      expect(plan).toEqual({
        kind: 'resume',
        from: 'run',
        run: failed,
        automatic: true,
        reason: `the last full resync failed on a transient ${name} (automatic resume 1 of 3): resuming failed full resync full-http-20261125T140000Z-7f3a at page 7`,
      });
    },
  );

  it.each([
    [
      'failed on an error that needs a person',
      unfinished({ error: { name: 'InvalidOrderError', message: 'order ord_1: total_price', page: 7, at: NOW } }),
    ],
    ['stopped or abandoned (no error: still marked running)', unfinished({ status: 'running' })],
    [
      'incremental, failed on a transient error',
      unfinished({ mode: 'incremental', error: { name: 'SourceUnavailableError', message: 'down', page: 0, at: NOW } }),
    ],
  ])('with a checkpoint, replaces an unfinished run %s with a new incremental run', (_case, run) => {
    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: run,
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toMatchObject({ kind: 'new', mode: 'incremental' });
  });

  it('runs a full sync when there is no checkpoint yet', () => {
    const plan = planRun({ request: incremental, checkpoint: null, unfinishedRun: null, now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toEqual({ kind: 'new', mode: 'full', window: { from: null, to: NOW }, reason: 'no checkpoint yet: full sync' });
  });

  it('resumes the first full sync when it was cut off before any checkpoint', () => {
    const cutOff = unfinished();

    const plan = planRun({ request: incremental, checkpoint: null, unfinishedRun: cutOff, now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toEqual({
      kind: 'resume',
      from: 'run',
      run: cutOff,
      automatic: false,
      reason: 'no checkpoint yet: resuming failed full resync full-http-20261125T140000Z-7f3a at page 7',
    });
  });

  it('starts a new full sync when the only unfinished run before any checkpoint is incremental', () => {
    const plan = planRun({
      request: incremental,
      checkpoint: null,
      unfinishedRun: unfinished({ mode: 'incremental' }),
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toMatchObject({ kind: 'new', mode: 'full', window: { from: null, to: NOW } });
  });
});

describe('planRun, full', () => {
  it('syncs everything updated before now, whatever the checkpoint and the unfinished run', () => {
    const plan = planRun({
      request: full,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: unfinished(),
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toEqual({ kind: 'new', mode: 'full', window: { from: null, to: NOW }, reason: 'full resync requested' });
  });
});

describe('planRun, incremental beside a parked full resync', () => {
  it('runs incrementally beside a parked resync that failed on a permanent error (begin keeps it parked)', () => {
    const parked = unfinished({ error: { name: 'InvalidOrderError', message: 'bad', page: 7, at: NOW } });

    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: null,
      parkedRun: parked,
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toMatchObject({ kind: 'new', mode: 'incremental' });
  });

  it('resumes a parked resync that failed on a transient error', () => {
    const parked = unfinished({ error: { name: 'SourceUnavailableError', message: '503', page: 7, at: NOW } });

    const plan = planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: null,
      parkedRun: parked,
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toMatchObject({ kind: 'resume', from: 'parked', run: parked });
  });
});

describe('planRun, automatic resumes of a full resync failed on a transient error', () => {
  const failedAfter = (autoResumes: number) =>
    unfinished({ autoResumes, error: { name: 'SourceUnavailableError', message: '503 on page 7', page: 7, at: NOW } });
  const tick = (run: ReturnType<typeof unfinished>, where: 'run' | 'parked', autoResumes?: number) =>
    planRun({
      request: incremental,
      checkpoint: checkpointAt('2026-11-25T14:56:00.000000Z'),
      unfinishedRun: where === 'run' ? run : null,
      parkedRun: where === 'parked' ? run : null,
      now: NOW,
      overlapMs: FIVE_MIN,
      ...(autoResumes === undefined ? {} : { autoResumes }),
    });

  it.each([0, 1, 2])('are tried while fewer than 3 were (%i so far)', (sofar) => {
    expect(tick(failedAfter(sofar), 'run')).toMatchObject({ kind: 'resume', automatic: true });
  });

  it.each(['run', 'parked'] as const)(
    'stop after 3: the tick runs incremental and the resync (in the %s slot) waits for a hand',
    (where) => {
      expect(tick(failedAfter(3), where)).toMatchObject({ kind: 'new', mode: 'incremental' });
    },
  );

  it('follow the setting: 0 never resumes by itself, 5 resumes a fourth time', () => {
    expect(tick(failedAfter(0), 'run', 0)).toMatchObject({ kind: 'new', mode: 'incremental' });
    expect(tick(failedAfter(3), 'run', 5)).toMatchObject({ kind: 'resume', automatic: true, reason: expect.stringContaining('4 of 5') });
  });

  it('a resume by hand is still possible once they are spent', () => {
    const plan = planRun({
      request: resume,
      checkpoint: checkpointAt(NOW),
      unfinishedRun: null,
      parkedRun: failedAfter(3),
      now: NOW,
      overlapMs: FIVE_MIN,
    });

    expect(plan).toMatchObject({ kind: 'resume', from: 'parked', automatic: false });
  });
});

describe('planRun, resume', () => {
  it('resumes the failed full resync with its saved cursor and counts', () => {
    const failed = unfinished();

    const plan = planRun({ request: resume, checkpoint: checkpointAt(NOW), unfinishedRun: failed, now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toEqual({
      kind: 'resume',
      from: 'run',
      run: failed,
      automatic: false,
      reason: 'resuming failed full resync full-http-20261125T140000Z-7f3a at page 7',
    });
  });

  it('says "unfinished" for a run that did not fail but stopped (its lease expired)', () => {
    const plan = planRun({ request: resume, checkpoint: null, unfinishedRun: unfinished({ status: 'running' }), now: NOW, overlapMs: 0 });

    expect(plan.reason).toBe('resuming unfinished full resync full-http-20261125T140000Z-7f3a at page 7');
  });

  it('resumes the parked full resync, replacing an unfinished incremental run in the slot', () => {
    const parked = unfinished();

    const plan = planRun({
      request: resume,
      checkpoint: checkpointAt(NOW),
      unfinishedRun: unfinished({ runId: 'incremental-x', mode: 'incremental' }),
      parkedRun: parked,
      now: NOW,
      overlapMs: 0,
    });

    expect(plan).toEqual({
      kind: 'resume',
      from: 'parked',
      run: parked,
      automatic: false,
      reason: 'resuming parked failed full resync full-http-20261125T140000Z-7f3a at page 7',
    });
  });

  it('refuses when there is no unfinished run', () => {
    const plan = () => planRun({ request: resume, checkpoint: checkpointAt(NOW), unfinishedRun: null, now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toThrow(NothingToResumeError);
    expect(plan).toThrow('there is no unfinished run');
  });

  it('refuses to resume an incremental run', () => {
    const plan = () =>
      planRun({ request: resume, checkpoint: null, unfinishedRun: unfinished({ mode: 'incremental' }), now: NOW, overlapMs: FIVE_MIN });

    expect(plan).toThrow(NothingToResumeError);
    expect(plan).toThrow(/is incremental/);
  });
});

describe('planRun, bad overlap', () => {
  it.each([-1, 0.5, Number.NaN])('refuses an overlap of %p ms', (overlapMs) => {
    expect(() => planRun({ request: incremental, checkpoint: null, unfinishedRun: null, now: NOW, overlapMs })).toThrow(RangeError);
  });
});
