// The looped step keeping the daily sales, over in-memory ports: each order and tombstone written after its days are
// touched and its entries put, and the run's last phase recomputing the touched days, so the kept figures equal the
// copy's own: after a full run, after changes, after a step retried after writing, after a zombie's late older
// version or a day it touched during the recompute, after deletions. The two cases (a page step retried after
// writing, a zombie step) are the describe block "the figures after commit", checked at commit.
import { dailySalesOf } from '../../../functions/core/analytics/daily-sales';
import type { Order } from '../../../functions/core/order';
import type { RunState } from '../../../functions/core/run-state';
import { SalesDaysLeftError } from '../../../functions/core/errors';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { recomputeDailySales } from '../../../functions/core/use-cases/recompute-daily-sales';
import { MAX_SALES_STEPS } from '../../../functions/core/use-cases/recompute-step';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import { writeRecords } from '../../../functions/core/write-records';
import { writeTombstones } from '../../../functions/core/write-tombstones';
import { salesInZone } from '../../../functions/core/analytics/write-sales-entries';
import { InMemoryDailySalesTable, InMemoryOrderSalesReader, InMemoryTouchedDaysStore } from '../../support/in-memory-stores';
import { orderWrite } from '../../support/order-factory';
import { random, randomSalesOrder } from '../../support/sales-factory';
import { begunFullRun, STREAM, useCaseWorld } from '../../support/use-case-harness';

const LA = 'America/Los_Angeles';

/** A world whose page steps keep the daily sales, its shop's orders of random money, refunds and days. */
function salesWorld(seed: number, orders = 24) {
  const world = useCaseWorld({ orders, pageSize: 5 });
  const next = random(seed);
  world.shop.orders = world.shop.orders.map((order) => ({ ...order, ...randomSalesOrder(next) }));
  const table = new InMemoryDailySalesTable();
  const entries = table.inZone(LA);
  const reader = new InMemoryOrderSalesReader(world.orders);
  const touched = new InMemoryTouchedDaysStore();
  world.deps.syncPage.sales = { entriesIn: table.inZone, orders: reader, touched, stream: STREAM };
  world.deps.begin.dailySales = { configuredZone: LA };
  /** A writer's deps outside a run (a zombie's), in the zone the runs count in. */
  const writerDeps = { ...world.deps.syncPage, sales: salesInZone(world.deps.syncPage.sales, LA) };
  world.deps.commit.sales = { stream: STREAM, touched };
  /** Recompute every touched day and settle it, as the run's recompute step will. */
  const recompute = async () => {
    const days = await touched.touched(STREAM);
    const result = await recomputeDailySales({ sales: entries, orders: reader, zone: LA, writeTag: 'recompute#0' }, [...days.keys()]);
    for (const [day, counter] of days) await touched.settle(STREAM, day, counter);
    return result;
  };
  const copyFigures = () =>
    new Map(
      [
        ...dailySalesOf(
          [...world.orders.items.values()].map((write) => write.record as Order),
          LA,
        ),
      ].sort(),
    );
  const keptFigures = () => new Map([...entries.totals].sort());
  return { world, next, entries, reader, touched, recompute, copyFigures, keptFigures, writerDeps };
}

/** A zombie's write of a newer version of `id` (its own money and days), as an older execution's page step makes it. */
function zombieWrite(
  world: ReturnType<typeof useCaseWorld>,
  writerDeps: Parameters<typeof writeRecords>[0],
  next: () => number,
  id: string,
) {
  const stored = world.orders.items.get(id)!.record as Order;
  const newer: Order = {
    ...stored,
    ...randomSalesOrder(next),
    subtotalPrice: '777.00',
    status: 'open',
    cancelledAt: null,
    updatedAt: '2026-01-01T11:30:00.000000Z',
  };
  const write = orderWrite({ record: newer, kind: 'updated', replaces: stored.updatedAt, writeTag: 'zombie#3', syncedAt: newer.updatedAt });
  return {
    newer,
    run: () =>
      writeRecords(writerDeps, [write], {
        versions: new Map(),
        writeTag: 'zombie#3',
        syncedAt: newer.updatedAt,
        readAt: newer.updatedAt,
      }),
  };
}

/** The second run of a world whose first run committed, at the start of its sales phase. */
async function secondRunAtSales(world: ReturnType<typeof useCaseWorld>): Promise<RunState> {
  await commitRun(world.deps.commit, await runToEnd(world, await begunFullRun(world)));
  world.advance(60_000);
  let state = await begunFullRun(world);
  const { maxPagesPerPart } = state;
  // Each step with its execution's budget full, so the step that reaches the phase does not go on with its first step.
  while (state.run.position.phase !== 'sales')
    state = await syncStep(world.deps.syncPage, { ...state, maxPagesPerPart: state.pagesInPart + 1 });
  return { ...state, maxPagesPerPart };
}

async function runToEnd(world: ReturnType<typeof useCaseWorld>, begun: RunState): Promise<RunState> {
  let state = begun;
  while (!state.done) state = await syncStep(world.deps.syncPage, state);
  return state;
}

describe('the daily sales kept by the looped step', () => {
  it('a run ends with its recompute phase: the kept figures equal the copy, no touched day left, at once', async () => {
    const { world, touched, copyFigures, keptFigures } = salesWorld(11);

    const done = await runToEnd(world, await begunFullRun(world));

    expect(done.run.position.phase).toBe('done');
    expect(keptFigures()).toEqual(copyFigures());
    expect(keptFigures().size).toBeGreaterThan(3);
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });

  it('a day touched again while the phase recomputes it (a zombie still writing) is recomputed by a later step', async () => {
    const { world, touched, copyFigures, keptFigures } = salesWorld(12);
    const settleDays = touched.settleDays.bind(touched);
    touched.settleDays = async (stream, counters) => {
      touched.settleDays = settleDays;
      await touched.touch(stream, [counters[0]![0]]);
      return settleDays(stream, counters);
    };
    // Up to the phase's first step (run in the invocation of the step that reached the phase).
    let afterFirst = await begunFullRun(world);
    while (touched.settleDays !== settleDays) afterFirst = await syncStep(world.deps.syncPage, afterFirst);

    expect(afterFirst.run.position.phase).toBe('sales');
    const done = await runToEnd(world, afterFirst);

    expect(done.run.position.step).toBe(afterFirst.run.position.step + 1);
    expect(keptFigures()).toEqual(copyFigures());
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });

  it("runs the phase's first step in the invocation of the step that reached it: one invocation fewer than steps", async () => {
    const { world, copyFigures, keptFigures } = salesWorld(13);
    let state = await begunFullRun(world);
    let invocations = 0;
    let chained = 0;
    while (!state.done) {
      const before = state;
      state = await syncStep(world.deps.syncPage, state);
      invocations++;
      if (before.run.position.phase !== 'sales' && state.run.position.step === before.run.position.step + 2) chained++;
    }

    expect(chained).toBe(1);
    expect(invocations).toBe(state.run.position.step - 1);
    expect(state.pagesInPart).toBe(state.run.position.step);
    expect(keptFigures()).toEqual(copyFigures());
  });

  it("leaves the phase's first step to an invocation of its own when the execution's step budget is full", async () => {
    const { world, copyFigures, keptFigures } = salesWorld(14);
    let state = await begunFullRun(world);
    let invocations = 0;
    const phases = new Set<string>();
    while (!state.done) {
      state = await syncStep(world.deps.syncPage, { ...state, maxPagesPerPart: state.pagesInPart + 1 });
      invocations++;
      phases.add(state.run.position.phase);
    }

    expect(phases).toContain('sales');
    expect(invocations).toBe(state.run.position.step);
    expect(keptFigures()).toEqual(copyFigures());
  });

  it('a run whose days keep being touched while recomputed fails after MAX_SALES_STEPS such steps, its days kept', async () => {
    const { world, touched } = salesWorld(13);
    const settle = touched.settle.bind(touched);
    touched.settle = async (stream, day, counter) => {
      await touched.touch(stream, [day]);
      return settle(stream, day, counter);
    };

    const failed = await runToEnd(world, await begunFullRun(world)).catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(SalesDaysLeftError);
    expect((failed as Error).message).toMatch(/kept being touched while recomputed \(400 steps\)/);
    // Saved by the last step before the one that failed: 399 steps that each met a day touched meanwhile.
    expect((await world.state.get(STREAM)).run!.position).toMatchObject({ phase: 'sales', cursor: String(MAX_SALES_STEPS - 1) });
    expect((await touched.touched(STREAM)).size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('seed %d: after a full run of random orders the kept figures equal the copy', async (seed) => {
    const { world, touched, copyFigures, keptFigures } = salesWorld(seed);

    await runToEnd(world, await begunFullRun(world));

    expect(world.orders.items.size).toBe(24);
    expect(keptFigures()).toEqual(copyFigures());
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });

  it('after orders change (new money, refunds, cancellations) the touched days alone bring the figures back to the copy', async () => {
    const { world, next, recompute, copyFigures, keptFigures } = salesWorld(4);
    await runToEnd(world, await begunFullRun(world));
    await recompute();

    world.shop.orders = world.shop.orders.map((order, i) =>
      i % 3 === 0 ? { ...order, ...randomSalesOrder(next), updatedAt: '2026-01-01T11:30:00.000000Z' } : order,
    );
    world.advance(60_000);
    world.state.put(STREAM, { ...(await world.state.get(STREAM)), lease: null, run: null });
    await runToEnd(world, await begunFullRun(world));
    const result = await recompute();

    expect(keptFigures()).toEqual(copyFigures());
    expect(result.entriesCorrected).toBe(0);
  });

  it('a page step retried after writing (it died before its save) leaves the figures exact', async () => {
    const { world, recompute, copyFigures, keptFigures } = salesWorld(5);
    const begun = await begunFullRun(world);
    const save = world.state.saveProgress.bind(world.state);
    world.state.saveProgress = async () => {
      world.state.saveProgress = save;
      throw new Error('the step died before its save');
    };
    await expect(syncPage(world.deps.syncPage, begun)).rejects.toThrow('died before its save');

    await runToEnd(world, begun);
    await recompute();

    expect(keptFigures()).toEqual(copyFigures());
    expect(world.orders.items.size).toBe(24);
  });

  it("a zombie's late older version is refused with its entries: the figures stay those of the version stored", async () => {
    const { world, next, entries, recompute, copyFigures, keptFigures, writerDeps } = salesWorld(6);
    await runToEnd(world, await begunFullRun(world));
    await recompute();
    const stored = world.orders.items.get('ord_0000003')!.record as Order;
    const older = { ...stored, ...randomSalesOrder(next), updatedAt: '2026-01-01T10:00:00.000000Z' };

    // The zombie writes as a page step does: entries first (under the version rule), then its order (refused).
    const write = orderWrite({
      record: older,
      kind: 'updated',
      replaces: '2026-01-01T09:00:00.000000Z',
      writeTag: 'zombie#0',
      syncedAt: older.updatedAt,
    });
    await writeRecords(writerDeps, [write], {
      versions: new Map(),
      writeTag: 'zombie#0',
      syncedAt: older.updatedAt,
      readAt: older.updatedAt,
    });
    await recompute();

    expect(world.orders.items.get('ord_0000003')!.record.updatedAt).toBe(stored.updatedAt);
    expect([...entries.entries.values()].some((entry) => entry.writeTag === 'zombie#0' && entry.part !== null)).toBe(false);
    expect(keptFigures()).toEqual(copyFigures());
  });

  it('tombstones write empty entries first: the deleted orders leave every day they counted on', async () => {
    const { recompute, copyFigures, keptFigures, writerDeps, world } = salesWorld(7);
    await runToEnd(world, await begunFullRun(world));
    await recompute();
    const before = keptFigures();
    const deletedAt = '2026-01-01T11:45:00.000000Z';
    const ids = ['ord_0000001', 'ord_0000002', 'ord_0000010'];

    const versions = await world.orders.getVersions(ids);
    await writeTombstones(
      writerDeps,
      ids.map((id) => ({ id, deletedAt })),
      { versions, writeTag: 'deletions#9', syncedAt: deletedAt },
    );
    await recompute();

    expect(world.orders.tombstones.size).toBe(3);
    expect(keptFigures()).toEqual(copyFigures());
    expect(keptFigures()).not.toEqual(before);
  });
});

describe('the figures after commit: a page step retried after writing, and a zombie step', () => {
  it('a page step retried after writing (its entries and orders in, it died before its save): commit finds the figures exact', async () => {
    const { world, touched, copyFigures, keptFigures } = salesWorld(21);
    const begun = await begunFullRun(world);
    const save = world.state.saveProgress.bind(world.state);
    world.state.saveProgress = async () => {
      world.state.saveProgress = save;
      throw new Error('the step died before its save');
    };
    await expect(syncStep(world.deps.syncPage, begun)).rejects.toThrow('died before its save');
    expect(world.orders.items.size).toBe(5);

    const outcome = await commitRun(world.deps.commit, await runToEnd(world, begun));

    expect(outcome.status).toBe('succeeded');
    expect(world.orders.items.size).toBe(24);
    expect(keptFigures()).toEqual(copyFigures());
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });

  it("a zombie step's order landing after the recompute read its days (its entries already in) leaves them for a later pass", async () => {
    const { world, next, reader, touched, copyFigures, keptFigures, writerDeps } = salesWorld(22);
    const atSales = await secondRunAtSales(world);
    const zombie = zombieWrite(world, writerDeps, next, 'ord_0000003');
    // The zombie's entries go in (its days touched), then it stalls before its order...
    let orderMayLand!: () => void;
    const stalled = new Promise<void>((resolve) => (orderMayLand = resolve));
    let reachedOrder!: () => void;
    const atOrder = new Promise<void>((resolve) => (reachedOrder = resolve));
    const putRecords = world.orders.putRecords.bind(world.orders);
    world.orders.putRecords = async (writes) => {
      if (writes.some((write) => write.writeTag === 'zombie#3')) {
        reachedOrder();
        await stalled;
      }
      return putRecords(writes);
    };
    const zombieDone = zombie.run();
    await atOrder;
    // ...until the recompute has read the day's entries and stored orders: then the order lands, before the day is settled.
    const salesOf = reader.salesOf.bind(reader);
    reader.salesOf = async (ids) => {
      const read = await salesOf(ids);
      if (ids.includes('ord_0000003')) {
        reader.salesOf = salesOf;
        orderMayLand();
        await zombieDone;
      }
      return read;
    };

    const afterFirst = await syncStep(world.deps.syncPage, atSales);
    expect(reader.salesOf).toBe(salesOf);
    expect(afterFirst.run.position.phase).toBe('sales');
    const outcome = await commitRun(world.deps.commit, await runToEnd(world, afterFirst));

    expect(outcome.status).toBe('succeeded');
    expect(world.orders.items.get('ord_0000003')!.record).toEqual(zombie.newer);
    expect(keptFigures()).toEqual(copyFigures());
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });

  it('a zombie step writing after the sales phase ended: commit sends the run back to that phase, which makes the figures exact', async () => {
    const { world, next, touched, copyFigures, keptFigures, writerDeps } = salesWorld(23);
    let state = await secondRunAtSales(world);
    state = await runToEnd(world, state);
    const zombie = zombieWrite(world, writerDeps, next, 'ord_0000007');
    await zombie.run();
    expect(keptFigures()).not.toEqual(copyFigures());

    const before = await world.state.get(STREAM);
    await expect(commitRun(world.deps.commit, state)).rejects.toThrow(SalesDaysLeftError);
    const after = await world.state.get(STREAM);
    expect(after.run!.position).toEqual({ phase: 'sales', cursor: null, step: state.run.position.step + 1 });
    expect(after).toMatchObject({ checkpoint: before.checkpoint, lastRun: before.lastRun, lease: before.lease });
    const sentBack = after.run!;

    // The state machine catches the error into the page loop with the same state: it takes the run up where commit saved it.
    const resumed = await syncStep(world.deps.syncPage, state);
    expect(resumed.run.position).toEqual(sentBack.position);
    const outcome = await commitRun(world.deps.commit, await runToEnd(world, resumed));

    expect(outcome).toMatchObject({ status: 'succeeded', runId: state.run.runId });
    expect(keptFigures()).toEqual(copyFigures());
    expect(await touched.touched(STREAM)).toEqual(new Map());
  });
});
