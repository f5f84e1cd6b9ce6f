// The recompute of touched days, over the in-memory orders and daily sales: the rows equal a recomputation from the
// copy, whatever the writers left behind (a writer stopped between its entries and its order, a zombie's late
// entries, deletions), and random histories of such writes agree with the copy after every run.
import { contributionOf, dailySalesOf, type SalesOrder } from '../../../functions/core/analytics/daily-sales';
import type { LocalDay } from '../../../functions/core/analytics/local-day';
import { salesEntriesOf, type SalesEntry, type SalesVersion } from '../../../functions/core/analytics/sales-entry';
import { toInstant } from '../../../functions/core/instant';
import type { Instant, Order } from '../../../functions/core/order';
import { recomputeDailySales } from '../../../functions/core/use-cases/recompute-daily-sales';
import { InMemoryDailySalesStore, InMemoryOrderSalesReader, InMemoryRecordStore } from '../../support/in-memory-stores';
import { order, orderWrite } from '../../support/order-factory';
import { random, randomSalesOrder, salesOrder } from '../../support/sales-factory';

const LA = 'America/Los_Angeles';

/** The copy, its daily sales, and the days the writes touched since the last recompute. */
function aCopy() {
  const records = new InMemoryRecordStore();
  const orders = new InMemoryOrderSalesReader(records);
  const sales = new InMemoryDailySalesStore();
  const touched = new Set<LocalDay>();
  const recompute = () => {
    const days = [...touched];
    touched.clear();
    return recomputeDailySales({ sales, orders, zone: LA, writeTag: 'run-r#9' }, days);
  };
  /** What the rows must hold: the daily sales of the live orders the copy holds. */
  const expected = () =>
    new Map(
      [
        ...dailySalesOf(
          [...records.items.values()].map((write) => write.record as Order),
          LA,
        ),
      ].sort(),
    );
  const rows = () => new Map([...sales.totals].sort());
  return { records, orders, sales, touched, recompute, expected, rows };
}
type Copy = ReturnType<typeof aCopy>;

const second = (n: number): Instant => toInstant(new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString());

/** A write prepared as the page step prepares it: the stored version read, its entries built; applied later. */
interface PreparedWrite {
  entries: SalesEntry[];
  apply(options?: { stopBeforeOrder?: boolean }): Promise<void>;
}

/** Prepares the write of `version` of order `id` (null: its deletion) at `at`, read then, over what the copy holds now. */
async function prepare(copy: Copy, id: string, version: SalesOrder | null, at: number, writeTag = `run-a#${at}`): Promise<PreparedWrite> {
  const stored = (await copy.orders.salesOf([id])).get(id);
  const replacedDays = contributionOf(stored?.order ?? null, LA).map((sales) => sales.day);
  const updatedAt = second(at);
  const salesVersion: SalesVersion = version
    ? { updatedAt, deletedAt: null, readAt: updatedAt }
    : { updatedAt, deletedAt: updatedAt, readAt: null };
  const entries = salesEntriesOf({ orderId: id, order: version, version: salesVersion, writeTag }, replacedDays, LA);
  const live = stored?.order ? stored.version.updatedAt : null;
  return {
    entries,
    async apply(options = {}) {
      for (const entry of entries) copy.touched.add(entry.day);
      await copy.sales.putEntries(entries);
      if (options.stopBeforeOrder) return;
      if (version === null) {
        await copy.records.putTombstones([
          { id, deletedAt: updatedAt, kind: live ? 'deleted' : 'deleted-absent', replaces: live, writeTag, syncedAt: updatedAt },
        ]);
        return;
      }
      const record: Order = { ...order({ id }), ...version, updatedAt };
      await copy.records.putRecords([
        orderWrite({ record, kind: live ? 'updated' : 'inserted', replaces: live, writeTag, syncedAt: updatedAt }),
      ]);
    },
  };
}

async function write(copy: Copy, id: string, version: SalesOrder | null, at: number): Promise<void> {
  await (await prepare(copy, id, version, at)).apply();
}

/** USD 100 subtotal, 10 tax, created 2026-03-07 at noon in Los Angeles; a refund of 20 on 2026-03-09. */
function sales(overrides: Partial<SalesOrder> = {}): SalesOrder {
  return salesOrder({ refunds: [{ id: 'ref_1', createdAt: toInstant('2026-03-09T12:00:00-07:00'), amount: '20.00' }], ...overrides });
}

describe('recomputing the daily sales of touched days', () => {
  it("sums each touched day's entries by currency into its rows, equal to a recomputation from the copy", async () => {
    const copy = aCopy();
    await write(copy, 'ord_1', sales(), 1);
    await write(copy, 'ord_2', sales({ subtotalPrice: '50.5', refunds: [] }), 2);
    await write(copy, 'ord_3', sales({ currency: 'JPY', subtotalPrice: '1500', totalTax: '150', refunds: [] }), 3);

    const result = await copy.recompute();

    expect(copy.rows()).toEqual(copy.expected());
    expect(copy.sales.totals.get('2026-03-07#USD')?.figures).toMatchObject({ orders: 2, grossSales: '150.5', taxes: '20' });
    expect(copy.sales.totals.get('2026-03-09#USD')?.figures).toMatchObject({ orders: 0, refunds: 1, returns: '20' });
    expect(result).toEqual({ days: 2, entriesRead: 4, entriesCorrected: 0, entriesMoved: 0, rowsWritten: 3, rowsDeleted: 0 });
  });

  it('deletes the row of a currency a day no longer has, and every row of a day its last order left', async () => {
    const copy = aCopy();
    await write(copy, 'ord_1', sales(), 1);
    await write(copy, 'ord_2', sales({ currency: 'JPY', subtotalPrice: '1500', totalTax: '150', refunds: [] }), 2);
    await copy.recompute();

    await write(copy, 'ord_2', sales({ currency: 'USD', refunds: [] }), 3);
    await write(copy, 'ord_1', null, 4);
    const result = await copy.recompute();

    expect(copy.rows()).toEqual(copy.expected());
    expect([...copy.sales.totals.keys()]).toEqual(['2026-03-07#USD']);
    expect(result.rowsDeleted).toBe(2);
  });

  it('counts the stored version when a writer stopped between its entries and its order, and corrects the entries to it', async () => {
    const copy = aCopy();
    await write(copy, 'ord_1', sales(), 1);
    await (await prepare(copy, 'ord_1', sales({ subtotalPrice: '999.00', refunds: [] }), 2)).apply({ stopBeforeOrder: true });

    const result = await copy.recompute();

    expect(copy.rows()).toEqual(copy.expected());
    expect(copy.sales.totals.get('2026-03-07#USD')?.figures.grossSales).toBe('100');
    expect(result.entriesCorrected).toBe(2);
    expect((await copy.sales.entriesOf('2026-03-07')).map((entry) => entry.version.updatedAt)).toEqual([second(1)]);
  });

  it('leaves out and empties (not deletes) the entries of an order not stored, so a late writer storing it is counted', async () => {
    const copy = aCopy();
    await (await prepare(copy, 'ord_1', sales(), 1)).apply({ stopBeforeOrder: true });

    const result = await copy.recompute();

    expect(copy.rows()).toEqual(new Map());
    expect([...copy.sales.entries.values()].map((entry) => [entry.day, entry.part])).toEqual([
      ['2026-03-07', null],
      ['2026-03-09', null],
    ]);
    expect(result).toMatchObject({ entriesRead: 2, entriesCorrected: 2, rowsWritten: 0 });
    expect((await copy.recompute()).entriesCorrected).toBe(0);

    // The writer was a zombie, not dead: its order lands after the recompute read the days, then it touches them again.
    const record: Order = { ...order({ id: 'ord_1' }), ...sales(), updatedAt: second(1) };
    await copy.records.putRecords([orderWrite({ record, kind: 'inserted', replaces: null, writeTag: 'run-a#1', syncedAt: second(1) })]);
    copy.touched.add('2026-03-07').add('2026-03-09');
    await copy.recompute();

    expect(copy.rows()).toEqual(copy.expected());
    expect(copy.sales.totals.get('2026-03-07#USD')?.figures.grossSales).toBe('100');
  });

  it("refuses a zombie's late entries where a newer version's stand, and corrects those that landed where none stood", async () => {
    const copy = aCopy();
    // The zombie read version 1 (a refund on 2026-03-10), then stalled; the source changed before the step's retry read it.
    const zombie = await prepare(
      copy,
      'ord_1',
      sales({ refunds: [{ id: 'ref_9', createdAt: toInstant('2026-03-10T12:00:00-07:00'), amount: '7.00' }] }),
      1,
    );
    await write(copy, 'ord_1', sales(), 2);
    await write(copy, 'ord_1', sales({ status: 'cancelled', cancelledAt: second(3) }), 3);
    await copy.recompute();

    await zombie.apply();
    const result = await copy.recompute();

    expect(copy.rows()).toEqual(copy.expected());
    expect([...copy.sales.totals.keys()]).toEqual(['2026-03-07#USD']);
    expect(copy.sales.totals.get('2026-03-07#USD')?.figures).toMatchObject({ orders: 1, cancelledOrders: 1, grossSales: '0' });
    // Its entry of 2026-03-07 was refused (version 3 stood there); that of 2026-03-10, where none stood, was corrected.
    expect(result.entriesCorrected).toBe(1);
    expect((await copy.sales.entriesOf('2026-03-10')).map(({ part, version }) => [part, version.updatedAt])).toEqual([[null, second(3)]]);
  });

  it.each([1, 2, 3, 4])(
    'seed %d: random writes, deletions, stopped writers and zombies agree with the copy after every run',
    async (seed) => {
      const next = random(seed);
      const copy = aCopy();
      const stalled: PreparedWrite[] = [];
      let at = 0;
      for (let run = 0; run < 6; run++) {
        for (let step = 0; step < 40; step++) {
          const id = `ord_${Math.floor(next() * 25)}`;
          const version = next() < 0.15 ? null : randomSalesOrder(next);
          const prepared = await prepare(copy, id, version, ++at);
          const fate = next();
          if (fate < 0.1) await prepared.apply({ stopBeforeOrder: true });
          else if (fate < 0.2) stalled.push(prepared);
          else await prepared.apply();
          // A stalled zombie wakes up some time later.
          if (stalled.length > 0 && next() < 0.1) await stalled.splice(Math.floor(next() * stalled.length), 1)[0]!.apply();
        }
        await copy.recompute();
        expect(copy.rows()).toEqual(copy.expected());
      }
      for (const zombie of stalled) await zombie.apply();
      await copy.recompute();
      expect(copy.rows()).toEqual(copy.expected());
      expect(copy.rows().size).toBeGreaterThan(5);
    },
  );
});
