// The source's clock differs from ours: updated_at is stamped by the source, so windows and the watermark follow the
// source's clock, as the page steps measure it from the source's Date header. Whatever the skew, the copy ends exact;
// a run planned before the skew was known (the first one, or after the clock moved) says so in its log.
import type { RunOutcome } from '../../functions/core/run-types';
import { expectExactCopy, runToEnd, warningsDuring } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { pageOfPayload } from '../support/e2e';

const ORDERS = 1_200;
const MINUTE = 60_000;
const SKEW_WARNING = 'the source clock differs from the one this run planned with by more than half the overlap';

/**
 * A full run (orders change during it), more changes after it, then one incremental run. Returns the ids changed
 * after the full run and the warnings both runs logged.
 */
async function fullThenChangesThenIncremental(stack: E2eStack) {
  const { warnings } = await warningsDuring(stack, async () => {
    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });
    expect(full.status).toBe('SUCCEEDED');
  });
  const changedAfter = stack.fake!.mutate({
    updates: stack
      .fake!.truth()
      .slice(0, 40)
      .map((order) => order.id),
    creates: 10,
  });
  // The source's clock is read from its Date header (whole seconds, across a round trip), so a run's window ends up to
  // a second or two before the source's now: changes of those last seconds belong to the next run. Let them pass.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  const incremental = await warningsDuring(stack, () => runToEnd(stack, { mode: 'incremental', trigger: 'schedule' }));
  expect(incremental.result.status).toBe('SUCCEEDED');
  return { changedAfter, warnings: [...warnings, ...incremental.warnings], summary: incremental.result.output as RunOutcome };
}

/** A stack whose source clock is off by `clockOffsetMs`, with orders changing while its full run pages. */
function stackWithSourceClock(clockOffsetMs: number, seed: number): () => E2eStack {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed, clockOffsetMs },
      env: { PAGE_SIZE: '100', MAX_PAGES_PER_EXECUTION: '5' },
      hooks: {
        before: (functionName, payload) => {
          if (functionName === 'sync-page' && pageOfPayload(payload) === 4) {
            stack.fake!.mutate({
              updates: stack
                .fake!.truth()
                .slice(0, 30)
                .map((order) => order.id),
              creates: 10,
            });
          }
        },
      },
    });
  });
  afterAll(() => stack?.stop());
  return () => stack;
}

/** 3 min is more than half the 5 min overlap: the first run, planned on our clock, warns once; the next does not. */
function expectSkewWarning(warnings: Array<[string, Record<string, unknown> | undefined]>, clockOffsetMs: number): void {
  const skew = warnings.filter(([message]) => message === SKEW_WARNING);
  expect(skew).toHaveLength(1);
  expect(skew[0]![1]).toMatchObject({ clockSkewSeconds: clockOffsetMs / 1000, plannedSkewSeconds: 0, overlapSeconds: 300 });
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

  it('ends with an exact copy after a full run and one incremental run', async () => {
    const { warnings } = await fullThenChangesThenIncremental(stack());

    expectSkewWarning(warnings, 3 * MINUTE);
    await expectExactCopy(stack());
  });
});

describe('a source clock behind ours by more than the overlap (10 min against 5 min)', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 32, clockOffsetMs: -10 * MINUTE },
      env: { PAGE_SIZE: '100' },
    });
  });
  afterAll(() => stack?.stop());

  it('still ends exact: the first run warns, and its watermark is clamped to the source clock it measured', async () => {
    const { warnings, summary } = await fullThenChangesThenIncremental(stack);

    await expectExactCopy(stack);
    expect(summary.counts).toMatchObject({ inserted: 10, updated: 40 });
    expectSkewWarning(warnings, -10 * MINUTE);
  });
});
