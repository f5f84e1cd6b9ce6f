// Parking, over in-memory ports and the real use cases: a full resync cut off in the middle of a page (its orders
// partly written, its result never saved) is parked by the next incremental run, incremental runs rewrite and insert
// orders of that unsaved page, and the resume redoes the page with the run's id, window and counts; the order
// counter ends equal to the stored orders. Also: a new full resync discards the parked one, counting its page.
import type { RunState } from '../../../functions/core/run-state';
import { describeStatus } from '../../../functions/core/status';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { recordFailure } from '../../../functions/core/use-cases/record-failure';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { order, orderIdOf } from '../../support/order-factory';
import { aCheckpoint } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

type World = ReturnType<typeof useCaseWorld>;

const FULL_RUN = 'full-http-20260101T120000Z-f001';
const PERMANENT = {
  Error: 'InvalidOrderError',
  Cause: JSON.stringify({ errorType: 'InvalidOrderError', errorMessage: 'order ord_0000009: total_price' }),
};

let executions = 0;
async function begin(world: World, input: Record<string, unknown>): Promise<RunState> {
  executions++;
  const event = { input, executionName: `exec-${executions}`, executionArn: `arn:exec-${executions}` } as Parameters<typeof beginRun>[1];
  return (await beginRun(world.deps.begin, event)) as RunState;
}

async function toTheEnd(world: World, state: RunState): Promise<void> {
  while (!state.done) state = await syncPage(world.deps.syncPage, state);
  await commitRun(world.deps.commit, state);
}

/** A scheduled tick's incremental run, to its commit. */
async function tick(world: World): Promise<RunState> {
  const state = await begin(world, { mode: 'incremental', trigger: 'schedule', runId: `incremental-schedule-t${executions}` });
  expect(state.run.mode).toBe('incremental');
  await toTheEnd(world, state);
  return state;
}

/**
 * A stream with a checkpoint whose copy is empty (10 orders at the source, pages of 4); a full resync saves page 0,
 * then its page 1 writes ord_5 and ord_6 of its four orders and dies; the run fails on a permanent error.
 */
async function cutOffFullResync(world: World): Promise<void> {
  world.state.put(STREAM, { checkpoint: aCheckpoint({ watermark: '2026-01-01T11:55:00.000000Z' }) });
  let state = await begin(world, { mode: 'full', trigger: 'http', runId: FULL_RUN });
  state = await syncPage(world.deps.syncPage, state);
  const put = world.orders.putRecords.bind(world.orders);
  world.orders.putRecords = async (writes) => {
    world.orders.putRecords = put;
    await put(writes.slice(0, 2));
    throw new Error('the page step died in the middle of its writes');
  };
  await expect(syncPage(world.deps.syncPage, state)).rejects.toThrow('died in the middle');
  await recordFailure(world.deps.recordFailure, { ...state, error: PERMANENT });
}

async function expectCounterExact(world: World): Promise<void> {
  expect((await world.state.get(STREAM)).orderCount).toBe(world.orders.items.size);
}

describe('a full resync cut off mid-page, parked while incremental runs go on, then resumed', () => {
  it('is parked by the next tick with its unsaved page settled into the counter, and shown as resumable', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    await cutOffFullResync(world);
    world.advance(60_000);

    const incremental = await begin(world, { mode: 'incremental', trigger: 'schedule', runId: 'incremental-schedule-a' });

    const state = await world.state.get(STREAM);
    expect(incremental.run).toMatchObject({ runId: 'incremental-schedule-a', mode: 'incremental' });
    expect(state.parked).toMatchObject({ run: { runId: FULL_RUN, pages: 1, status: 'failed' } });
    expect([...state.parked!.pendingIds].sort()).toEqual([5, 6, 7, 8].map(orderIdOf));
    expect([...state.parked!.settledIds].sort()).toEqual([5, 6].map(orderIdOf));
    expect(state.orderCount).toBe(6);
    await expectCounterExact(world);
    expect(describeStatus(state, world.now()).resumable).toMatchObject({ run_id: FULL_RUN, pages: 1 });
    expect(world.lines).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining(`full resync ${FULL_RUN} parked at page 1`) }),
    );
  });

  it('resumes at its saved page with its run id, window and counts; the counter ends exact although ticks rewrote and inserted orders of that page', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    await cutOffFullResync(world);
    const failed = (await world.state.get(STREAM)).run!;

    // Tick 1: ord_5 (written and settled by the parked page) changes, ord_7 (claimed, never written) changes, and a
    // new order appears: the incremental run updates ord_5 and inserts the other two.
    world.advance(60_000);
    world.shop.change(orderIdOf(5), '2026-01-01T12:01:00Z');
    world.shop.change(orderIdOf(7), '2026-01-01T12:01:00Z');
    world.shop.orders.push(order({ id: orderIdOf(11), updated_at: '2026-01-01T12:01:00Z' }));
    await tick(world);
    // Tick 2: ord_2 (saved by page 0) changes; ord_6 (written and settled by the parked page) stays as it wrote it.
    world.advance(5 * 60_000);
    world.shop.change(orderIdOf(2), '2026-01-01T12:05:00Z');
    await tick(world);
    await expectCounterExact(world);
    expect((await world.state.get(STREAM)).parked?.run.runId).toBe(FULL_RUN);
    const pagesBefore = world.shop.pageRequests;

    world.advance(60_000);
    const resumed = await begin(world, { mode: 'full', trigger: 'http', resume: true, runId: 'full-http-resumer' });
    expect(resumed.run).toMatchObject({
      runId: FULL_RUN,
      window: failed.window,
      pages: 1,
      position: failed.position,
      counts: failed.counts,
    });
    expect((await world.state.get(STREAM)).parked).toBeNull();
    await toTheEnd(world, resumed);

    const state = await world.state.get(STREAM);
    expect(state.lastRun).toMatchObject({ runId: FULL_RUN, status: 'succeeded', pages: 2 });
    // Page 1 redone once (ord_6, ord_8..10: the orders that changed left the resync's window), then the last page.
    expect(world.shop.pageRequests - pagesBefore).toBe(1);
    expect(world.orders.items.size).toBe(11);
    await expectCounterExact(world);
    for (const stored of world.orders.items.values()) {
      expect(stored.record.updatedAt).toBe(world.shop.orders.find((o) => o.id === stored.record.id)!.updatedAt);
    }
  });

  it('stays parked while the ticks commit, and a retried park (the begin died after saving) settles nothing twice', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    await cutOffFullResync(world);
    world.advance(60_000);
    const input = { mode: 'incremental', trigger: 'schedule', runId: 'incremental-schedule-r' } as const;
    // A retried begin is the same execution's: the lease names it.
    const event = { input, executionName: 'incremental-schedule-r-p1', executionArn: 'arn:incremental-schedule-r-p1' };

    await beginRun(world.deps.begin, event);
    const retried = (await beginRun(world.deps.begin, event)) as RunState;
    await toTheEnd(world, retried);

    const state = await world.state.get(STREAM);
    expect(state.orderCount).toBe(6);
    expect(state.parked?.run.runId).toBe(FULL_RUN);
    expect(state.lastRun).toMatchObject({ runId: 'incremental-schedule-r', status: 'succeeded' });
  });

  it('is discarded by a new full resync (said in the log), which counts nothing of the settled page twice', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    await cutOffFullResync(world);
    world.advance(60_000);
    await tick(world);

    const fresh = await begin(world, { mode: 'full', trigger: 'http', runId: 'full-http-fresh' });
    await toTheEnd(world, fresh);

    const state = await world.state.get(STREAM);
    expect(state.parked).toBeNull();
    expect(state.lastRun).toMatchObject({ runId: 'full-http-fresh', pages: 3 });
    expect(world.orders.items.size).toBe(10);
    await expectCounterExact(world);
    expect(world.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: `parked full resync ${FULL_RUN} discarded at page 1: a new full run replaces it` }),
    );
  });

  it('discarded before any tick settled it, the new full resync counts what its unsaved page inserted', async () => {
    const world = useCaseWorld({ orders: 10, pageSize: 4 });
    await cutOffFullResync(world);
    world.advance(60_000);

    const fresh = await begin(world, { mode: 'full', trigger: 'http', runId: 'full-http-fresh' });
    await toTheEnd(world, fresh);

    await expectCounterExact(world);
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
  });
});
