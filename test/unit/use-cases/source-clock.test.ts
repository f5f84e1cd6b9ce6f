// The source's clock differs from ours, over in-memory ports and the real use cases: updated_at is stamped by the
// source, so windows and the watermark follow the source's clock as the page steps measure it. Whatever the skew (3 min
// either way, or 10 min behind: more than the 5 min overlap), a full run with changes during it, more changes, then an
// incremental run leave an exact copy; the first run, planned before the skew was known, warns once.
import { epochMsOf, instantFromEpochMs } from '../../../functions/core/instant';
import type { RunState } from '../../../functions/core/run-state';
import type { RunOutcome } from '../../../functions/core/run-types';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { order, orderIdOf } from '../../support/order-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

type World = ReturnType<typeof useCaseWorld>;

const MINUTE = 60_000;
const ORDERS = 40;
const SKEW_WARNING = 'the source clock differs from the one this run planned with by more than half the overlap';

let executions = 0;

/** One run from begin to commit, the clock moving a second a page; `duringPage` runs before the page step of that page. */
async function run(world: World, mode: 'full' | 'incremental', duringPage: (page: number) => void = () => undefined): Promise<RunOutcome> {
  executions++;
  const input = { mode, trigger: mode === 'full' ? 'test' : 'schedule', runId: `${mode}-r${executions}` };
  let state = (await beginRun(world.deps.begin, {
    input,
    executionName: `exec-${executions}`,
    executionArn: `arn:exec-${executions}`,
  } as Parameters<typeof beginRun>[1])) as RunState;
  while (!state.done) {
    world.advance(1_000);
    duringPage(state.run.pages);
    state = await syncPage(world.deps.syncPage, state);
  }
  return (await commitRun(world.deps.commit, state)) as RunOutcome;
}

/** The shop's now, on its own clock: what it stamps a change with. */
function sourceNow(world: World, skewMs: number): string {
  return instantFromEpochMs(world.now() + skewMs);
}

/** Changes `updates` orders and creates `creates`, all stamped by the shop's clock; returns what changed. */
function changeAtSource(world: World, skewMs: number, updates: number, creates: number): { updated: string[]; created: string[] } {
  const stamp = sourceNow(world, skewMs);
  const updated = world.shop.orders.slice(0, updates).map((existing) => existing.id);
  for (const id of updated) world.shop.change(id, stamp);
  const created = Array.from({ length: creates }, (_, index) => orderIdOf(1000 + world.shop.orders.length + index));
  for (const [index, id] of created.entries()) world.shop.orders.push(order({ id, order_number: 9000 + index, updated_at: stamp }));
  return { updated, created };
}

async function expectExactCopy(world: World): Promise<void> {
  const stored = [...world.orders.items.values()].map((write) => [write.record.id, write.record.updatedAt]).sort();
  const served = world.shop.orders.map((served) => [served.id, served.updatedAt]).sort();
  expect(stored).toEqual(served);
  expect((await world.state.get(STREAM)).orderCount).toBe(world.shop.orders.length);
}

/** A full run (orders change during it, on the source's clock), more changes a minute later, one incremental run. */
async function fullThenChangesThenIncremental(skewMs: number) {
  const world = useCaseWorld({ orders: ORDERS, pageSize: 4 });
  world.shop.clockSkewMs = skewMs;
  // The shop's history ends before its own now, whichever way its clock is off.
  for (const existing of world.shop.orders) world.shop.change(existing.id, instantFromEpochMs(world.now() + skewMs - 30 * MINUTE));

  const full = await run(world, 'full', (page) => {
    if (page === 4) changeAtSource(world, skewMs, 6, 2);
  });
  expect(full.status).toBe('succeeded');
  world.advance(MINUTE);
  const changedAfter = changeAtSource(world, skewMs, 8, 3);
  world.advance(MINUTE);
  const incremental = await run(world, 'incremental');
  expect(incremental.status).toBe('succeeded');
  const skewWarnings = world.lines.filter((line) => line.level === 'warn' && line.message === SKEW_WARNING);
  return { world, full, incremental, changedAfter, skewWarnings };
}

describe.each([
  ['behind ours by 3 min', -3 * MINUTE],
  ['ahead of ours by 3 min', 3 * MINUTE],
  ['behind ours by 10 min, more than the 5 min overlap', -10 * MINUTE],
])('a source clock %s', (_, skewMs) => {
  it('ends with an exact copy after a full run, changes and one incremental run, and the first run warns once about the skew', async () => {
    const { world, incremental, changedAfter, skewWarnings } = await fullThenChangesThenIncremental(skewMs);

    await expectExactCopy(world);
    if (skewMs < 0) {
      // Behind us, the full run's window held every change made during it: the incremental run fetched exactly the
      // changes made after it (ahead of us, it also fetches those the full run's window ended before).
      expect(incremental.counts).toMatchObject({ inserted: changedAfter.created.length, updated: changedAfter.updated.length, stale: 0 });
    }
    expect(skewWarnings).toHaveLength(1);
    expect(skewWarnings[0]!.fields).toMatchObject({ clockSkewSeconds: skewMs / 1000, plannedSkewSeconds: 0, overlapSeconds: 300 });
  });

  it("commits a watermark no later than the source's clock when the run planned (the skew the pages measured)", async () => {
    const { world, full } = await fullThenChangesThenIncremental(skewMs);

    const planned = epochMsOf(full.startedAt) + skewMs;
    const { checkpoint } = await world.state.get(STREAM);
    expect(checkpoint!.sourceClockSkewMs).toBe(skewMs);
    // The full run's window was planned on our clock (the skew unknown yet): ahead of a source behind us, its
    // watermark is clamped to the source's clock, less the second the estimate is taken low.
    expect(epochMsOf(full.watermark!)).toBeLessThanOrEqual(Math.min(planned - 1000, epochMsOf(full.window.to)));
  });
});
