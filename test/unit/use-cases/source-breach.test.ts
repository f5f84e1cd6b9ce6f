// A source that breaks its contract in a way no retry mends, over in-memory ports: a next_cursor the walk already
// followed (issue 24, item 8) fails the run naming the breach, while an empty page with a new cursor stays fine.
import { SourceContractError } from '../../../functions/core/errors';
import type { PageRequest, SourcePage } from '../../../functions/core/ports';
import type { RunState } from '../../../functions/core/run-state';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import type { StepDeps } from '../../../functions/core/step';
import { begunFullRun, STREAM, useCaseWorld } from '../../support/use-case-harness';

const STATS = { requests: 1, throttled: 0, retried: 0 };

/** A source whose cursors follow `next` (cursor → next cursor), each page empty but the first's orders. */
function loopingWorld(next: Record<string, string | null>, firstOrders = 0) {
  const world = useCaseWorld({ orders: firstOrders, pageSize: 4 });
  const fetchPage = async ({ cursor }: PageRequest): Promise<SourcePage> => ({
    records: cursor === null ? world.shop.orders : [],
    rejected: [],
    nextCursor: next[cursor ?? 'start'] ?? null,
    stats: STATS,
  });
  const deps: StepDeps = { ...world.deps.syncPage, source: { fetchPage } };
  return { world, deps };
}

async function walk(deps: StepDeps, begun: RunState, maxSteps: number): Promise<{ state: RunState; steps: number }> {
  let state = begun;
  let steps = 0;
  while (!state.done && steps < maxSteps) {
    state = await syncStep(deps, state);
    steps++;
  }
  return { state, steps };
}

describe('a next_cursor the walk already followed', () => {
  it('the same cursor again fails the page with a contract error naming the breach, before it writes anything', async () => {
    const { world, deps } = loopingWorld({ start: 'c1', c1: 'c1' });
    const afterFirst = await syncPage(deps, await begunFullRun(world));

    const failure = syncPage(deps, afterFirst);

    await expect(failure).rejects.toThrow(SourceContractError);
    await expect(failure).rejects.toThrow(/orders page 1 answered a next_cursor the walk already followed at page 1/);
    expect((await world.state.get(STREAM)).run).toMatchObject({ pages: 1, position: { phase: 'records', cursor: 'c1', step: 1 } });
  });

  it('a loop of several pages after a tail is caught within a few times its length, and the run keeps one mark', async () => {
    const next: Record<string, string> = { start: 't1' };
    for (let i = 1; i < 20; i++) next[`t${i}`] = `t${i + 1}`;
    next.t20 = 'l1';
    for (let i = 1; i < 7; i++) next[`l${i}`] = `l${i + 1}`;
    next.l7 = 'l1';
    const { world, deps } = loopingWorld(next);
    const begun = await begunFullRun(world);

    await expect(walk(deps, begun, 200)).rejects.toThrow(SourceContractError);

    const saved = (await world.state.get(STREAM)).run!;
    // Tail of 21 pages, loop of 7: caught before page 21 + 2 * 32.
    expect(saved.pages).toBeLessThan(21 + 64);
    expect(JSON.stringify(saved).length).toBeLessThan(2000);
  });

  it('a source that is not ready yet (a bulk export running: waitSeconds) is asked again at the same cursor: no breach', async () => {
    const world = useCaseWorld({ orders: 0, pageSize: 4 });
    let polls = 0;
    const fetchPage = async ({ cursor }: PageRequest): Promise<SourcePage> => {
      if (cursor === null) return { records: [], rejected: [], nextCursor: 'waiting', stats: STATS };
      polls++;
      return polls < 4
        ? { records: [], rejected: [], nextCursor: 'waiting', stats: STATS, waitSeconds: 5 }
        : { records: [], rejected: [], nextCursor: null, stats: STATS };
    };
    const deps: StepDeps = { ...world.deps.syncPage, source: { fetchPage } };

    const { state } = await walk(deps, await begunFullRun(world), 20);

    expect(polls).toBe(4);
    expect(state.run.position.cursor).toBeNull();
  });

  it('empty pages each with a new cursor are what the contract allows: the walk goes on to the end', async () => {
    const next: Record<string, string | null> = { start: 'e1' };
    for (let i = 1; i < 40; i++) next[`e${i}`] = `e${i + 1}`;
    next.e40 = null;
    const { world, deps } = loopingWorld(next, 3);

    const { state } = await walk(deps, await begunFullRun(world), 100);

    expect(state).toMatchObject({ done: true, run: { pages: 41, counts: { inserted: 3 } } });
  });

  it('the deletion feed repeating its cursor fails the step the same way, and tombstones nothing of that page', async () => {
    const world = useCaseWorld({ orders: 2, pageSize: 4 });
    const [first] = world.shop.orders;
    const deps: StepDeps = {
      ...world.deps.syncPage,
      source: {
        fetchPage: (request) => world.shop.fetchPage(request),
        fetchDeleted: async ({ cursor }) => ({
          deletions: cursor === null ? [] : [{ id: first!.id, deletedAt: '2099-01-01T00:00:00.000000Z' }],
          nextCursor: 'd1',
          stats: STATS,
        }),
      },
    };

    await expect(walk(deps, await begunFullRun(world), 10)).rejects.toThrow(/deletion feed page 1 answered a next_cursor/);
    expect(world.orders.tombstones.size).toBe(0);
  });
});
