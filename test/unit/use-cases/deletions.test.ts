// The steps after the order pages, over in-memory ports: the deletion feed and a full resync's reconciliation turn
// deleted orders into tombstones, and a step that died after writing them, retried, counts each deletion once.
import { SourceContractError } from '../../../functions/core/errors';
import type { RecordSource, SourceCallStats } from '../../../functions/core/ports';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import type { StepDeps } from '../../../functions/core/step';
import { begunFullRun, STREAM, useCaseWorld } from '../../support/use-case-harness';

const STATS: SourceCallStats = { requests: 1, throttled: 0, retried: 0 };
const DELETED_AT = '2099-01-01T00:00:00.000000Z';

function worldWithDeletions(feed: string[], gone: Set<string>) {
  const world = useCaseWorld({ orders: 10, pageSize: 4 });
  /** The world's shop, with this deletion feed and these orders gone. */
  const sourceWith = (feedIds: string[], goneIds: Set<string>): Pick<RecordSource, 'fetchPage' | 'fetchDeleted' | 'existing'> => ({
    fetchPage: (request) => world.shop.fetchPage(request),
    fetchDeleted: async () => ({ deletions: feedIds.map((id) => ({ id, deletedAt: DELETED_AT })), nextCursor: null, stats: STATS }),
    existing: async (ids) => ({ ids: new Set(ids.filter((id) => !goneIds.has(id))), stats: STATS }),
  });
  const deps: StepDeps = {
    ...world.deps.syncPage,
    source: sourceWith(feed, gone),
    settings: { ...world.deps.syncPage.settings, reconcile: true },
  };
  return { world, deps, sourceWith };
}

describe('the deletion steps', () => {
  it('a full run walks its pages, the feed, then reconciliation, tombstoning what the feed lists and what the source lost', async () => {
    const { world, deps, sourceWith } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (!state.done) state = await syncStep(deps, state);
    await commitRun(world.deps.commit, state);
    const ids = [...world.orders.items.keys()].sort();
    expect(ids).toHaveLength(10);

    // A second full run: one order in the feed, two more gone from the source (past the feed's retention).
    const second: StepDeps = { ...deps, source: sourceWith([ids[0]!], new Set(ids.slice(0, 3))) };
    const feedGone = new Set(ids.slice(0, 3));
    world.shop.orders = world.shop.orders.filter((order) => !feedGone.has(order.id));
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    })) as RunState;
    while (!state.done) state = await syncStep(second, state);

    expect(state.run.counts).toMatchObject({ fetched: 7, unchanged: 7, deleted: 3 });
    expect([...world.orders.tombstones.keys()].sort()).toEqual(ids.slice(0, 3));
    expect((await world.state.get(STREAM)).orderCount).toBe(7);
  });

  it('a feed step that died after writing its tombstones, retried, counts each deletion once', async () => {
    const { world, deps, sourceWith } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (state.run.position.phase !== 'deletions') state = await syncStep(deps, state);
    const ids = [...world.orders.items.keys()].sort();
    const dying: StepDeps = {
      ...deps,
      source: sourceWith(ids.slice(0, 2), new Set()),
      state: {
        get: (stream) => world.state.get(stream),
        claim: (...args) => world.state.claim(...args),
        saveProgress: async () => {
          throw new Error('the step died before saving');
        },
      },
    };
    await expect(syncStep(dying, state)).rejects.toThrow('died');
    expect(world.orders.tombstones.size).toBe(2);

    const retried = await syncStep({ ...deps, source: sourceWith(ids.slice(0, 2), new Set()) }, state);

    expect(retried.run.counts.deleted).toBe(2);
    expect((await world.state.get(STREAM)).orderCount).toBe(8);
  });

  it('continue-as-new in the middle of the deletion steps saves the next part and names it on the lease', async () => {
    const { world, deps, sourceWith } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (state.run.position.phase !== 'deletions') state = await syncStep(deps, state);
    const ids = [...world.orders.items.keys()].sort();
    // A feed of two pages: the run is between them, one deletion step done.
    const twoPages: StepDeps = {
      ...deps,
      source: {
        ...sourceWith(ids.slice(0, 1), new Set()),
        fetchDeleted: async () => ({ deletions: [], nextCursor: 'more', stats: STATS }),
      },
    };
    state = await syncStep(twoPages, state);
    // Three record pages, then one feed page: step 4, the feed's cursor.
    expect(state.run).toMatchObject({ pages: 3, position: { phase: 'deletions', cursor: 'more', step: 4 } });

    const event = { input: { continueRun: state }, executionName: state.nextExecutionName, executionArn: 'arn' };
    const continued = (await beginRun(world.deps.begin, event)) as RunState;

    expect(continued.run).toMatchObject({ part: 2, position: state.run.position, executionName: state.nextExecutionName });
    const saved = await world.state.get(STREAM);
    expect(saved.lease?.executionName).toBe(state.nextExecutionName);
    expect(saved.run).toMatchObject({ part: 2 });
  });

  it('an existence answer naming an id not asked about fails the step with a contract error and tombstones nothing', async () => {
    const { world, deps } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (!state.done) state = await syncStep(deps, state);
    await commitRun(world.deps.commit, state);
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    })) as RunState;
    world.shop.orders = world.shop.orders.slice(0, 5); // five gone, as the source says of them: but its answer is bad
    const lying: StepDeps = {
      ...deps,
      source: { ...deps.source, existing: async (ids) => ({ ids: new Set([...ids.slice(0, 1), 'ord_elsewhere']), stats: STATS }) },
    };
    while (state.run.position.phase !== 'reconcile') state = await syncStep(lying, state);

    await expect(syncStep(lying, state)).rejects.toThrow(SourceContractError);
    await expect(syncStep(lying, state)).rejects.toThrow(/names 1 orders it was not asked about \(ord_elsewhere\)/);
    expect(world.orders.tombstones.size).toBe(0);
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
  });

  it('a tombstone reconciliation inferred gives way to the order seen live in a later page, even at its old version', async () => {
    const { world, deps, sourceWith } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (!state.done) state = await syncStep(deps, state);
    await commitRun(world.deps.commit, state);
    const [lagging] = [...world.orders.items.keys()].sort();
    world.advance(60_000);
    // A second full resync: a lagging replica says one order is gone, though the shop still has it.
    const wrong: StepDeps = { ...deps, source: sourceWith([], new Set([lagging!])) };
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    })) as RunState;
    while (!state.done) state = await syncStep(wrong, state);
    await commitRun(world.deps.commit, state);
    expect(world.orders.tombstones.get(lagging!)).toMatchObject({ inferred: true });
    expect((await world.state.get(STREAM)).orderCount).toBe(9);
    world.advance(60_000);

    // The next run pages over the order, unchanged (its updated_at older than the inferred deletion).
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r3' },
      executionName: 'full-test-r3-p1',
      executionArn: 'arn',
    })) as RunState;
    while (!state.done) state = await syncStep(deps, state);

    expect(world.orders.items.has(lagging!)).toBe(true);
    expect(world.orders.tombstones.has(lagging!)).toBe(false);
    expect(state.run.counts).toMatchObject({ inserted: 1, unchanged: 9, stale: 0 });
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
  });

  it('a tombstone the deletion feed reported still outranks an older version a page shows', async () => {
    const { world, deps, sourceWith } = worldWithDeletions([], new Set());
    let state = await begunFullRun(world);
    while (!state.done) state = await syncStep(deps, state);
    await commitRun(world.deps.commit, state);
    const [deleted] = [...world.orders.items.keys()].sort();
    world.advance(60_000);
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r2' },
      executionName: 'full-test-r2-p1',
      executionArn: 'arn',
    })) as RunState;
    while (!state.done) state = await syncStep({ ...deps, source: sourceWith([deleted!], new Set()) }, state);
    await commitRun(world.deps.commit, state);
    world.advance(60_000);
    // The shop still pages the old version (its deletion reported after it): the feed's word stands.
    state = (await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r3' },
      executionName: 'full-test-r3-p1',
      executionArn: 'arn',
    })) as RunState;
    while (!state.done) state = await syncStep(deps, state);

    expect(world.orders.tombstones.get(deleted!)?.inferred).toBeUndefined();
    expect(world.orders.items.has(deleted!)).toBe(false);
    expect(state.run.counts).toMatchObject({ stale: 1, inserted: 0 });
    expect((await world.state.get(STREAM)).orderCount).toBe(9);
  });
});
