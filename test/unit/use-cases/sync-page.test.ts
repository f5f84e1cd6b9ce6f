// Use case "sync page", over in-memory ports: one page fetched, written and saved with its claim, exact counts, a
// retry that counts nothing twice (even for an order that left the page between attempts), and a lost lease.
import { LeaseLostError } from '../../../functions/core/errors';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { aLease } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

async function begunFullRun(world: ReturnType<typeof useCaseWorld>): Promise<RunState> {
  const event = { input: { mode: 'full', trigger: 'test', runId: 'full-test-r1' }, executionName: 'full-test-r1-p1', executionArn: 'arn' } as const;
  return (await beginRun(world.deps.begin, event)) as RunState;
}

describe('sync page', () => {
  it('writes the page, then saves its cursor, counts and inserts in the same step: the saved run is the returned one', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);

    const after = await syncPage(world.deps.syncPage, begun);

    const saved = await world.state.get(STREAM);
    expect(after.run).toEqual(saved.run);
    expect(after).toMatchObject({ done: false, pagesInPart: 1, run: { pages: 1, counts: { fetched: 4, inserted: 4 } } });
    expect(saved).toMatchObject({ orderCount: 4, pendingIds: [] });
    expect(world.orders.items.size).toBe(4);
  });

  it('claims and saves with two sync-state writes a page, and ends done on the last page with exact counts', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    let state = await begunFullRun(world);
    const writesBefore = world.state.writes;

    while (!state.done) state = await syncPage(world.deps.syncPage, state);

    expect(world.state.writes - writesBefore).toBe(2 * 3);
    expect(state.run).toMatchObject({ pages: 3, cursor: null, counts: { fetched: 10, inserted: 10, updated: 0, unchanged: 0, stale: 0 } });
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
  });

  it('retried after it saved (its answer was lost): counts nothing twice and asks the source no more than once again', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    const first = await syncPage(world.deps.syncPage, begun);

    const retried = await syncPage(world.deps.syncPage, begun);

    expect(retried.run).toEqual(first.run);
    expect((await world.state.get(STREAM)).orderCount).toBe(4);
    expect(world.shop.pageRequests).toBe(2);
  });

  it('retried after dying between its write and its save, counts an order that has left the page as this page inserted it', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    const save = world.state.saveProgress.bind(world.state);
    world.state.saveProgress = async () => {
      world.state.saveProgress = save;
      // The order changes after the run's window: on the retry it is no longer in the page, nor in the window.
      world.shop.change('ord_0000002', '2026-01-01T12:30:00Z');
      throw new Error('the step died before its save');
    };
    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow('died before its save');

    const retried = await syncPage(world.deps.syncPage, begun);

    expect(retried.run.counts).toEqual({ fetched: 5, inserted: 5, updated: 0, unchanged: 0, stale: 0 });
    expect((await world.state.get(STREAM)).orderCount).toBe(5);
    expect(world.orders.items.size).toBe(5);
  });

  it('counts an order already stored at the same version as unchanged, and an older one from the source as stale', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    const [same, newer] = world.shop.orders;
    await world.orders.putOrders([
      { order: same!, kind: 'inserted', writeTag: 'old#0', syncedAt: same!.updatedAt },
      { order: { ...newer!, updatedAt: '2026-01-01T11:59:00.000000Z' }, kind: 'inserted', writeTag: 'old#0', syncedAt: same!.updatedAt },
    ]);
    const begun = await begunFullRun(world);

    const after = await syncPage(world.deps.syncPage, begun);

    expect(after.run.counts).toEqual({ fetched: 4, inserted: 2, updated: 0, unchanged: 1, stale: 1 });
    expect(world.orders.items.get(newer!.id)!.order.updatedAt).toBe('2026-01-01T11:59:00.000000Z');
  });

  it('whose lease was taken over: LeaseLostError before any order is written', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const begun = await begunFullRun(world);
    world.advance(16 * 60_000);
    await world.state.acquireLease(STREAM, aLease({ owner: 'full-http-other', expiresAt: world.now() + 60_000 }), world.now());

    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow(LeaseLostError);

    expect(world.orders.items.size).toBe(0);
    expect((await world.state.get(STREAM)).run?.pages).toBe(0);
  });

  it('passes on how long the source asked to wait before the next page (the state machine waits), and only for that page', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    const source = world.deps.syncPage.source;
    const waits = [7, undefined];
    const deps = { ...world.deps.syncPage, source: { fetchPage: async (request: Parameters<typeof source.fetchPage>[0]) => ({ ...(await source.fetchPage(request)), waitSeconds: waits.shift() }) } };

    const waiting = await syncPage(deps, await begunFullRun(world));
    const next = await syncPage(deps, waiting);

    expect(waiting).toMatchObject({ waitSeconds: 7, run: { pages: 1 } });
    expect(next).not.toHaveProperty('waitSeconds');
    expect(next.run.pages).toBe(2);
  });

  it('does nothing for a run already done', async () => {
    const world = useCaseWorld({ orders: 2, pageSize: 4 });
    const done = await syncPage(world.deps.syncPage, await begunFullRun(world));

    expect(await syncPage(world.deps.syncPage, done)).toBe(done);
    expect(world.shop.pageRequests).toBe(1);
  });
});
