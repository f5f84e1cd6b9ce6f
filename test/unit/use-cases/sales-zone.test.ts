// The zone the daily sales are counted in, over in-memory ports and the real use cases: resolved once per run by begin
// (SHOP_TIME_ZONE, else the shop's own zone, else UTC), carried by the run, recorded with the figures by the full resync
// that builds them; an incremental run or a resume in another zone is refused before it writes anything, and a full
// resync in the new zone rebuilds every order's figures there, as it builds them for a copy stored before they were kept.
import { dailySalesOf } from '../../../functions/core/analytics/daily-sales';
import { SalesZoneChangedError } from '../../../functions/core/errors';
import type { Order } from '../../../functions/core/order';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { readDailySales } from '../../../functions/core/use-cases/read-daily-sales';
import { recordFailure } from '../../../functions/core/use-cases/record-failure';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import { InMemoryDailySalesTable, InMemoryOrderSalesReader, InMemoryTouchedDaysStore } from '../../support/in-memory-stores';
import { random, randomSalesOrder } from '../../support/sales-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

const LA = 'America/Los_Angeles';
const PARIS = 'Europe/Paris';
const TOKYO = 'Asia/Tokyo';

/** A world of 24 orders of random money and days, pages of 5; the shop says its zone, and counts how often it is asked. */
function zoneWorld(seed: number, shopZone: string = LA) {
  const world = useCaseWorld({ orders: 24, pageSize: 5 });
  const next = random(seed);
  world.shop.orders = world.shop.orders.map((order) => ({ ...order, ...randomSalesOrder(next) }));
  const shop = { zone: shopZone, asked: 0 };
  world.shop.timeZone = async () => {
    shop.asked++;
    return shop.zone;
  };
  const table = new InMemoryDailySalesTable();
  const touched = new InMemoryTouchedDaysStore();
  /** DAILY_SALES on from now, SHOP_TIME_ZONE as given (unset: the shop's). */
  const keepSales = (configuredZone?: string) => {
    world.deps.syncPage.sales = { entriesIn: table.inZone, orders: new InMemoryOrderSalesReader(world.orders), touched, stream: STREAM };
    world.deps.begin.dailySales = { configuredZone };
  };
  const copyFigures = (zone: string) =>
    new Map(
      [
        ...dailySalesOf(
          [...world.orders.items.values()].map((write) => write.record as Order),
          zone,
        ),
      ].sort(),
    );
  const keptFigures = (zone: string) => new Map([...table.inZone(zone).totals].sort());
  let runs = 0;
  const begin = async (mode: 'full' | 'incremental', resume = false): Promise<RunState> => {
    runs++;
    const runId = `${mode}-test-r${runs}`;
    const input = { mode, trigger: 'test', runId, ...(resume ? { resume } : {}) } as const;
    return (await beginRun(world.deps.begin, { input, executionName: `${runId}-p1`, executionArn: 'arn' })) as RunState;
  };
  /** A run to its commit; every step's state is kept, to see the zone each step was handed. */
  const run = async (mode: 'full' | 'incremental'): Promise<RunState[]> => {
    const states = [await begin(mode)];
    while (!states.at(-1)!.done) states.push(await syncStep(world.deps.syncPage, states.at(-1)!));
    await commitRun(world.deps.commit, states.at(-1)!);
    world.advance(10 * 60_000);
    return states;
  };
  /** Orders change at the source after the last run: a new updated_at, new money. */
  const change = (ids: readonly string[]) => {
    const updatedAt = new Date(world.now() - 60_000).toISOString().replace('Z', '000Z');
    world.shop.orders = world.shop.orders.map((order) =>
      ids.includes(order.id) ? { ...order, ...randomSalesOrder(next), updatedAt } : order,
    );
  };
  const route = () => readDailySales({ salesIn: table.inZone, state: world.state }, { from: '2026-01-01', to: '2026-12-31' });
  return { world, shop, table, keepSales, copyFigures, keptFigures, begin, run, change, route };
}

describe('the zone of the daily sales', () => {
  it("unset, is the shop's own zone, asked once per run by begin and carried by every step of the run", async () => {
    const { world, shop, table, keepSales, copyFigures, keptFigures, run } = zoneWorld(1, LA);
    keepSales();

    const states = await run('full');

    expect(shop.asked).toBe(1);
    expect(states.length).toBeGreaterThan(5);
    expect(states.map((state) => state.run.salesZone)).toEqual(states.map(() => LA));
    expect([...table.zones.keys()]).toEqual([LA]);
    expect(keptFigures(LA)).toEqual(copyFigures(LA));
    expect((await world.state.get(STREAM)).salesZone).toBe(LA);
  });

  it('set, is SHOP_TIME_ZONE, the shop not asked; unset on a source without a zone of its own, UTC', async () => {
    const set = zoneWorld(2, LA);
    set.keepSales(TOKYO);
    await set.run('full');
    expect(set.shop.asked).toBe(0);
    expect(set.keptFigures(TOKYO)).toEqual(set.copyFigures(TOKYO));
    expect((await set.world.state.get(STREAM)).salesZone).toBe(TOKYO);

    const zoneless = zoneWorld(3);
    delete zoneless.world.shop.timeZone;
    zoneless.keepSales();
    await zoneless.run('full');
    expect([...zoneless.table.zones.keys()]).toEqual(['UTC']);
    expect((await zoneless.route()).time_zone).toBe('UTC');
  });

  it('changed, refuses an incremental run at begin, naming both zones and what to do; nothing is saved and the lease is free', async () => {
    const { world, shop, table, keepSales, begin, run } = zoneWorld(4, LA);
    keepSales();
    await run('full');
    const before = await world.state.get(STREAM);
    shop.zone = PARIS;

    const refused = begin('incremental');

    await expect(refused).rejects.toThrow(SalesZoneChangedError);
    await expect(refused).rejects.toThrow(
      `the daily sales are counted in ${LA}, but the shop's time zone is now ${PARIS} (SHOP_TIME_ZONE, or the shop's own when unset): ` +
        `an incremental run would mix days of two zones. Run a full resync to rebuild them in ${PARIS}, or set SHOP_TIME_ZONE=${LA}`,
    );
    expect(await world.state.get(STREAM)).toEqual(before);
    expect([...table.zones.keys()]).toEqual([LA]);
    // SHOP_TIME_ZONE set to the recorded zone: incremental runs go on in it.
    keepSales(LA);
    const states = await run('incremental');
    expect(states[0]!.run.salesZone).toBe(LA);
  });

  it("changed, is rebuilt by a full resync: every order counts in the new zone, unchanged ones too; the old zone's figures are no longer read", async () => {
    const { world, shop, keepSales, copyFigures, keptFigures, run, change, route } = zoneWorld(5, LA);
    keepSales();
    await run('full');
    const inLa = keptFigures(LA);
    shop.zone = PARIS;
    change(['ord_0000003']);

    const states = await run('full');

    expect(states[0]!.run).toMatchObject({ salesZone: PARIS, salesRebuild: true });
    expect(states.at(-1)!.run.counts).toMatchObject({ updated: 1, unchanged: 23 });
    expect(keptFigures(PARIS)).toEqual(copyFigures(PARIS));
    expect(keptFigures(PARIS)).not.toEqual(copyFigures(LA));
    expect(keptFigures(LA)).toEqual(inLa);
    expect((await world.state.get(STREAM)).salesZone).toBe(PARIS);
    const answer = await route();
    expect(answer.time_zone).toBe(PARIS);
    expect(answer.days.length).toBe(keptFigures(PARIS).size);

    // Incremental runs go on in the new zone, and a full resync in the same zone rebuilds nothing.
    change(['ord_0000004']);
    expect((await run('incremental'))[0]!.run.salesZone).toBe(PARIS);
    const again = await run('full');
    expect(again[0]!.run.salesRebuild).toBeUndefined();
    expect(keptFigures(PARIS)).toEqual(copyFigures(PARIS));
  });

  it('a copy stored before the daily sales were kept: incremental runs go on, and the next full resync builds every figure', async () => {
    const { world, keepSales, copyFigures, keptFigures, run, change, route } = zoneWorld(6, LA);
    await run('full');
    keepSales();
    change(['ord_0000001']);

    await run('incremental');

    expect((await world.state.get(STREAM)).salesZone).toBeUndefined();
    expect(await route()).toMatchObject({ time_zone: null, days: [] });

    const states = await run('full');

    expect(states.at(-1)!.run.counts).toMatchObject({ unchanged: 24 });
    expect(keptFigures(LA)).toEqual(copyFigures(LA));
    expect(keptFigures(LA).size).toBeGreaterThan(5);
    expect((await route()).time_zone).toBe(LA);
  });

  it('kept off for a while (DAILY_SALES=false): the recorded zone is forgotten, and the next full resync with them on rebuilds', async () => {
    const { world, keepSales, copyFigures, keptFigures, run, change } = zoneWorld(8, LA);
    keepSales();
    await run('full');
    delete world.deps.syncPage.sales;
    world.deps.begin.dailySales = 'off';
    change(['ord_0000002', 'ord_0000005']);

    await run('incremental');

    expect((await world.state.get(STREAM)).salesZone).toBeUndefined();
    expect(keptFigures(LA)).not.toEqual(copyFigures(LA));
    keepSales();
    const states = await run('full');
    expect(states[0]!.run.salesRebuild).toBe(true);
    expect(keptFigures(LA)).toEqual(copyFigures(LA));
  });

  it('a full resync that builds them and fails keeps its zone: resumed in another, refused; a new full resync in the new zone builds them', async () => {
    const { world, shop, keepSales, copyFigures, keptFigures, begin, run } = zoneWorld(7, LA);
    keepSales();
    await run('full');
    shop.zone = PARIS;
    let failing = await begin('full');
    failing = await syncStep(world.deps.syncPage, failing);
    await recordFailure(world.deps.recordFailure, { ...failing, error: { Error: 'InvalidOrderError', Cause: '{}' } });
    expect((await world.state.get(STREAM)).run).toMatchObject({ status: 'failed', salesZone: PARIS, salesRebuild: true });
    shop.zone = TOKYO;

    await expect(begin('full', true)).rejects.toThrow(
      `the full resync ${failing.run.runId} being resumed counts the daily sales in ${PARIS}, but the shop's time zone is now ${TOKYO}`,
    );

    const states = await run('full');
    expect(states[0]!.run).toMatchObject({ salesZone: TOKYO, salesRebuild: true });
    expect(keptFigures(TOKYO)).toEqual(copyFigures(TOKYO));
    expect((await world.state.get(STREAM)).salesZone).toBe(TOKYO);
  });
});
