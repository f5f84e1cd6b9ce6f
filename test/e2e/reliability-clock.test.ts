// The source's clock differs from ours: updated_at is stamped by the source, windows are planned on our clock.
// Within the overlap (±3 min against the default 5 min) the copy ends exact; beyond it orders can be missed, and
// the product says so in its log (the clock-skew warning) instead of staying silent.
import type { RunSummary } from '../../functions/core/run-state';
import { copyDifferences } from '../support/e2e';
import { expectExactCopy, runToEnd, startReliabilityStack, warningsDuring, type ReliabilityStack } from '../support/reliability';

const ORDERS = 1_200;
const MINUTE = 60_000;
const SKEW_WARNING = 'the source clock differs from ours by more than half the overlap: raise OVERLAP_SECONDS';

/**
 * A full run (orders change during it), more changes after it, then one incremental run. Returns the ids changed
 * after the full run and the warnings both runs logged.
 */
async function fullThenChangesThenIncremental(stack: ReliabilityStack) {
  const { warnings } = await warningsDuring(async () => {
    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });
    expect(full.status).toBe('SUCCEEDED');
  });
  const changedAfter = stack.fake!.mutate({ updates: stack.fake!.truth().slice(0, 40).map((order) => order.id), creates: 10 });
  const incremental = await warningsDuring(() => runToEnd(stack, { mode: 'incremental', trigger: 'schedule' }));
  expect(incremental.result.status).toBe('SUCCEEDED');
  return { changedAfter, warnings: [...warnings, ...incremental.warnings], summary: incremental.result.output as RunSummary };
}

/** A stack whose source clock is off by `clockOffsetMs`, with orders changing while its full run pages. */
function stackWithSourceClock(clockOffsetMs: number, seed: number): () => ReliabilityStack {
  let stack: ReliabilityStack;
  beforeAll(async () => {
    stack = await startReliabilityStack({
      fake: { orders: ORDERS, seed, clockOffsetMs },
      env: { PAGE_SIZE: '100', MAX_PAGES_PER_EXECUTION: '5' },
      hooks: {
        before: (functionName, payload) => {
          if (functionName === 'sync-page' && (payload as { page: number }).page === 4) {
            stack.fake!.mutate({ updates: stack.fake!.truth().slice(0, 30).map((order) => order.id), creates: 10 });
          }
        },
      },
    });
  });
  afterAll(() => stack?.stop());
  return () => stack;
}

/** 3 min is more than half the 5 min overlap: the product warns early, while the copy is still exact. */
function expectSkewWarning(warnings: Array<[string, Record<string, unknown> | undefined]>, clockOffsetMs: number): void {
  const skew = warnings.find(([message]) => message === SKEW_WARNING);
  expect(skew?.[1]).toMatchObject({ clockSkewSeconds: clockOffsetMs / 1000, overlapSeconds: 300 });
}

describe('a source clock behind ours by 3 min, default 5 min overlap', () => {
  const stack = stackWithSourceClock(-3 * MINUTE, 31);

  it('ends with an exact copy after a full run and one incremental run, and warns about the skew', async () => {
    const { warnings } = await fullThenChangesThenIncremental(stack());

    await expectExactCopy(stack());
    expectSkewWarning(warnings, -3 * MINUTE);
  });
});

describe('a source clock ahead of ours by 3 min, default 5 min overlap', () => {
  const stack = stackWithSourceClock(3 * MINUTE, 33);

  // DEFECT, not fixed here (it changes a contract): windows are planned on our clock, updated_at is stamped on the
  // source's. Orders changed in the 3 min before a run carry an updated_at after the window's end (our now), so the
  // run leaves them for the next one: never lost (the next window starts an overlap before this one's end), but
  // late by up to the skew. Fix: keep the skew the page steps measure (SourceCallStats.clockSkewMs) on the run
  // and the checkpoint, and plan `to` on the source's clock (now + skew). See docs/guarantees.md.
  it.failing('ends with an exact copy after a full run and one incremental run', async () => {
    const { warnings } = await fullThenChangesThenIncremental(stack());

    expectSkewWarning(warnings, 3 * MINUTE);
    await expectExactCopy(stack());
  });
});

describe('a source clock behind ours by more than the overlap (10 min against 5 min)', () => {
  let stack: ReliabilityStack;

  beforeAll(async () => {
    stack = await startReliabilityStack({
      fake: { orders: ORDERS, seed: 32, clockOffsetMs: -10 * MINUTE },
      env: { PAGE_SIZE: '100' },
    });
  });
  afterAll(() => stack?.stop());

  it('cannot keep the copy exact, and says so: every page logs the clock-skew warning', async () => {
    const { changedAfter, warnings } = await fullThenChangesThenIncremental(stack);

    // Changed after the full run's window was planned, stamped 10 min earlier by the source: before the next
    // window's start (watermark - 5 min). This is the documented limit (docs/guarantees.md), not a silent loss.
    const differences = await copyDifferences(stack);
    expect(differences.stale.sort()).toEqual([...changedAfter.updated].sort());
    expect(differences.missing.sort()).toEqual([...changedAfter.created].sort());
    const skewWarnings = warnings.filter(([message]) => message === SKEW_WARNING);
    expect(skewWarnings.length).toBeGreaterThanOrEqual(2);
    expect(skewWarnings[0]![1]).toMatchObject({ clockSkewSeconds: -600, overlapSeconds: 300 });
  });
});
