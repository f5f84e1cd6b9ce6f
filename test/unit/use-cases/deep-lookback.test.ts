// The periodic deep lookback over in-memory ports: a change that becomes visible later than one overlap after its
// updated_at is missed by every ordinary window, and reaches the copy with the next deep lookback, which counts it
// (its outcome, the checkpoint, the status); a retried page counts it once.
import { instantFromEpochMs } from '../../../functions/core/instant';
import type { RunState } from '../../../functions/core/run-state';
import type { RunOutcome } from '../../../functions/core/run-types';
import { describeStatus } from '../../../functions/core/status';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { order, orderIdOf } from '../../support/order-factory';
import { STREAM, T0, useCaseWorld } from '../../support/use-case-harness';

const OVERLAP_MS = 5_000;
const LOOKBACK = { reachMs: 60_000, everyMs: 600_000 };

function world() {
  const built = useCaseWorld({ orders: 6, pageSize: 4 });
  built.deps.begin.settings = { ...built.deps.begin.settings, overlapMs: OVERLAP_MS, lookback: LOOKBACK };
  built.deps.syncPage.settings = { ...built.deps.syncPage.settings, overlapMs: OVERLAP_MS };
  return built;
}

let runs = 0;
async function runToCommit(w: ReturnType<typeof world>, mode: 'full' | 'incremental', pageHook?: (state: RunState) => Promise<RunState>) {
  runs += 1;
  const runId = `${mode}-test-r${runs}`;
  let state = (await beginRun(w.deps.begin, {
    input: { mode, trigger: 'test', runId },
    executionName: `${runId}-p1`,
    executionArn: 'arn',
  })) as RunState;
  while (!state.done) state = pageHook ? await pageHook(state) : await syncPage(w.deps.syncPage, state);
  return commitRun(w.deps.commit, state);
}

const at = (secondsAfterT0: number) => instantFromEpochMs(T0 + secondsAfterT0 * 1000);

describe('a change that becomes visible 20 s after its updated_at, with a 5 s overlap', () => {
  it('is missed by the ordinary windows and stored by the next deep lookback, which counts it', async () => {
    const w = world();
    await runToCommit(w, 'full');
    w.advance(10_000);
    await runToCommit(w, 'incremental'); // watermark T0+10 s
    w.advance(20_000);
    await runToCommit(w, 'incremental'); // watermark T0+30 s
    w.advance(2_000);
    // Stamped at T0+12 s, visible only now, at T0+32 s (a lagging replica): the next window starts at T0+25 s.
    const late = order({ id: orderIdOf(99), order_number: 1099, updated_at: at(12) });
    w.shop.orders.push(late);

    const ordinary = await runToCommit(w, 'incremental');

    expect(ordinary.window.from).toBe(at(25));
    expect(ordinary.lookback).toBeUndefined();
    expect(await w.orders.getVersions([late.id])).toEqual(new Map());

    w.advance(LOOKBACK.everyMs);
    const deep = await runToCommit(w, 'incremental');

    expect(deep.window.from).toBe(at(32 - 60));
    expect(deep.lookback).toEqual({ ordinaryFrom: at(27), found: 1 });
    expect(deep.counts).toMatchObject({ fetched: 1, inserted: 1, updated: 0 });
    expect((await w.orders.getVersions([late.id])).get(late.id)?.updatedAt).toBe(late.updatedAt);
    const status = describeStatus(await w.state.get(STREAM), w.now());
    expect(status.last_deep_lookback).toEqual({
      run_id: deep.runId,
      at: instantFromEpochMs(w.now()),
      reached_from: at(32 - 60),
      ordinary_from: at(27),
      found: 1,
    });
    expect(status.last_run?.deep_lookback).toEqual({ ordinary_from: at(27), found: 1 });
    expect(w.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/^the deep lookback found changes every ordinary window had missed/),
      }),
    );

    // The next run is ordinary again; the checkpoint keeps the deep run's finding for the status.
    w.advance(1_000);
    const after = await runToCommit(w, 'incremental');
    expect(after.lookback).toBeUndefined();
    expect(after.window.from).toBe(at(32 + LOOKBACK.everyMs / 1000 - 5));
    expect(describeStatus(await w.state.get(STREAM), w.now()).last_deep_lookback?.found).toBe(1);
  });

  it('a deep lookback that finds nothing late says 0; what ordinary windows would have stored is no finding', async () => {
    const w = world();
    await runToCommit(w, 'full');
    w.advance(LOOKBACK.everyMs);
    // Changed within the ordinary window (after watermark − overlap): an ordinary run would have stored it too.
    w.shop.change(orderIdOf(2), instantFromEpochMs(w.now() - 1_000));

    const deep = await runToCommit(w, 'incremental');

    expect(deep.lookback?.found).toBe(0);
    expect(deep.counts.updated).toBe(1);
  });

  it('a page retried after it stored the late order (its result never saved) counts it once', async () => {
    const w = world();
    await runToCommit(w, 'full');
    w.advance(LOOKBACK.everyMs);
    const late = order({ id: orderIdOf(99), order_number: 1099, updated_at: instantFromEpochMs(T0 - 30_000) });
    w.shop.orders.push(late);
    let failedOnce = false;
    const saveProgress = w.state.saveProgress.bind(w.state);
    // The first attempt of the first page dies after its writes, before its result is saved.
    w.state.saveProgress = async (...args) => {
      if (!failedOnce && args[2].pages === 1) {
        failedOnce = true;
        throw new Error('the step died before saving');
      }
      return saveProgress(...args);
    };

    const deep: RunOutcome = await runToCommit(w, 'incremental', async (state) => {
      try {
        return await syncPage(w.deps.syncPage, state);
      } catch {
        return syncPage(w.deps.syncPage, state);
      }
    });

    expect(failedOnce).toBe(true);
    expect(deep.lookback?.found).toBe(1);
    expect(deep.counts.inserted).toBe(1);
  });
});
