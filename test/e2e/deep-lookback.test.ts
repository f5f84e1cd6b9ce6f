// A source that makes a change visible late (a lagging replica): with a 5 s overlap, an order stamped 20 s before it
// becomes visible is in no ordinary window; the next deep lookback stores it and says so (outcome, status). The
// source's clock jumps instead of the test sleeping: windows follow the source's clock as the pages measure it.
import type { RunOutcome } from '../../functions/core/run-types';
import { describeStatus } from '../../functions/core/status';
import { lastOf, runChain, storedVersions, syncState } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const LOOKBACK_EVERY_SECONDS = 600;

describe('a change visible 20 s after its updated_at, OVERLAP_SECONDS=5, a deep lookback of 2 min every 10 min', () => {
  let stack: E2eStack;
  /** How far the source's clock is ahead of ours. */
  let sourceAheadMs = 0;

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: 200, seed: 23, clock: () => Date.now() + sourceAheadMs },
      env: { PAGE_SIZE: '100', OVERLAP_SECONDS: '5', LOOKBACK_SECONDS: '120', LOOKBACK_EVERY_SECONDS: String(LOOKBACK_EVERY_SECONDS) },
    });
  });
  afterAll(() => stack?.stop());

  async function run(mode: 'full' | 'incremental'): Promise<RunOutcome> {
    const execution = lastOf(await runChain(stack, { mode, trigger: 'test' }));
    expect(execution.status).toBe('SUCCEEDED');
    return execution.output as RunOutcome;
  }

  it('is missed by the ordinary windows, stored by the next deep lookback, and the status shows the finding', async () => {
    await run('full');
    // Created now, visible only once the source's clock is 20 s further (the pages of two runs measure the jump).
    const late = stack.fake.mutate({ creates: 1 }).created[0]!;
    const stampedAt = stack.fake.truth().find((order) => order.id === late)!.updated_at;
    stack.fake.holdBack([late], true);
    sourceAheadMs = 20_000;
    const ordinary = [await run('incremental'), await run('incremental')];
    stack.fake.holdBack([late], false);
    // Jumps on past the lookback's period: the run after next is a deep one (the next one measures the jump).
    sourceAheadMs = 20_000 + LOOKBACK_EVERY_SECONDS * 1000;
    ordinary.push(await run('incremental'));

    expect(ordinary.map((outcome) => outcome.lookback)).toEqual([undefined, undefined, undefined]);
    expect(ordinary[2]!.window.from! > stampedAt).toBe(true);
    expect((await storedVersions(stack)).has(late)).toBe(false);

    const deep = await run('incremental');

    expect(deep.lookback).toEqual({ ordinaryFrom: expect.any(String), found: 1 });
    expect(deep.window.from! <= stampedAt && stampedAt < deep.lookback!.ordinaryFrom).toBe(true);
    expect(deep.counts).toMatchObject({ inserted: 1, updated: 0 });
    expect((await storedVersions(stack)).get(late)?.updatedAt).toBe(stampedAt);
    const status = describeStatus(await syncState(stack), Date.now());
    expect(status.last_deep_lookback).toMatchObject({ run_id: deep.runId, found: 1 });
    expect(status.last_run?.deep_lookback).toEqual({ ordinary_from: deep.lookback!.ordinaryFrom, found: 1 });
  });
});
