// The daily sales store's contract: entries per order and day under the version rule (a newer version replaces an
// older one, never the reverse, deletions included), corrected only while they hold the version read, a day's entries
// read back whole; totals rows per day and currency put, deleted and read by range. Run against dynalite and against
// the in-memory store the use-case tests use; and the orders' sales read back from the orders table as the in-memory
// reader reads them.
import { DynamoDailySalesStore } from '../../functions/adapters/dynamodb/daily-sales-store';
import { DynamoOrderSalesReader } from '../../functions/adapters/dynamodb/order-sales-reader';
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { DynamoTouchedDaysStore } from '../../functions/adapters/dynamodb/touched-days-store';
import { ZERO_FIGURES, type DaySales } from '../../functions/core/analytics/daily-sales';
import { entryReplaces, type SalesEntry, type SalesVersion } from '../../functions/core/analytics/sales-entry';
import type {
  DailySalesStore,
  OrderSalesReader,
  RecordStore,
  SyncStateStore,
  TombstoneWrite,
  TouchedDaysStore,
} from '../../functions/core/ports';
import type { Order } from '../../functions/core/order';
import { createTestTables, useDynalite } from '../support/dynalite';
import {
  InMemoryDailySalesStore,
  InMemoryDailySalesTable,
  InMemoryOrderSalesReader,
  InMemoryRecordStore,
  InMemorySyncStateStore,
  InMemoryTouchedDaysStore,
} from '../support/in-memory-stores';
import { aLease } from '../support/run-factory';
import { order, orderWrite } from '../support/order-factory';

const dynamo = useDynalite();

const STORES: Array<[string, () => Promise<DailySalesStore>]> = [
  [
    'DynamoDB (dynalite)',
    async () =>
      new DynamoDailySalesStore({
        client: dynamo.client,
        tableName: (await createTestTables(dynamo.endpoint)).dailySalesTable,
        zone: 'UTC',
      }),
  ],
  ['in memory', async () => new InMemoryDailySalesStore()],
];

/** The table's store of each zone: DynamoDB's over one table, the in-memory table's. */
const ZONED: Array<[string, () => Promise<(zone: string) => DailySalesStore>]> = [
  [
    'DynamoDB (dynalite)',
    async () => {
      const { dailySalesTable } = await createTestTables(dynamo.endpoint);
      return (zone) => new DynamoDailySalesStore({ client: dynamo.client, tableName: dailySalesTable, zone });
    },
  ],
  ['in memory', async () => new InMemoryDailySalesTable().inZone],
];

const at = (second: number): string => `2026-03-08T12:00:${String(second).padStart(2, '0')}.000000Z`;
const live = (second: number, readSecond: number | null = second): SalesVersion => ({
  updatedAt: at(second),
  deletedAt: null,
  readAt: readSecond === null ? null : at(readSecond),
});
const deletion = (second: number, inferred = false): SalesVersion => ({
  updatedAt: at(second),
  deletedAt: at(second),
  readAt: null,
  ...(inferred ? { inferred } : {}),
});

function entry(orderId: string, version: SalesVersion, grossSales: string | null = '10.00', day = '2026-03-08'): SalesEntry {
  return {
    day,
    orderId,
    part: grossSales === null ? null : { currency: 'USD', figures: { ...ZERO_FIGURES, orders: 1, grossSales, taxes: '0.80' } },
    version,
    writeTag: 'run-a#0',
  };
}

function totals(day: string, currency: string, orders: number, grossSales: string): DaySales {
  return { day, currency, figures: { ...ZERO_FIGURES, orders, grossSales } };
}

/** [what the stored entry is of, what the incoming one is of, whether it lands]. */
const VERSION_CASES: Array<[string, SalesVersion, SalesVersion, boolean]> = [
  ['a newer version over an older one', live(1), live(2), true],
  ['an older version over a newer one (a zombie)', live(2), live(1), false],
  ['the same second read later', live(1, 1), live(1, 3), true],
  ['the same second read earlier', live(1, 3), live(1, 1), false],
  ['the same version again (a retried step)', live(1), live(1), true],
  ['any read over an entry without a read time', live(1, null), live(1, 2), true],
  ['no read time over one with a read time', live(1, 2), live(1, null), false],
  ['a deletion over the version it deletes', live(1), deletion(1), true],
  ['a deletion over a version made after it', live(3), deletion(2), false],
  ['the same deletion again', deletion(2), deletion(2), true],
  ['a version made after a deletion', deletion(2), live(3), true],
  ['a version made before a deletion (a zombie)', deletion(2), live(1), false],
  ['a version of the deletion second', deletion(2), live(2), false],
  ['any version over an inferred deletion', deletion(2, true), live(1), true],
];

describe('the version rule of sales entries', () => {
  it.each(VERSION_CASES)('%s', (_, stored, incoming, lands) => {
    expect(entryReplaces(incoming, stored)).toBe(lands);
  });
});

describe.each(ZONED)('the daily sales of two zones in one table, %s', (_, freshTable) => {
  it("keeps each zone's entries and totals apart: a day of one zone is never read with the other's", async () => {
    const inZone = await freshTable();
    const la = inZone('America/Los_Angeles');
    const paris = inZone('Europe/Paris');
    await la.putEntries([entry('ord_1', live(1), '1.00')]);
    await la.putTotals([totals('2026-03-08', 'USD', 1, '1.00')]);

    // The same order and day in the other zone: a new item, not a version of the first (an older version lands too).
    expect(await paris.putEntries([entry('ord_1', live(0), '2.00')])).toEqual({ refused: [] });
    await paris.putTotals([totals('2026-03-08', 'USD', 2, '2.00')]);
    await paris.deleteTotals([{ day: '2026-03-08', currency: 'USD' }]);

    expect(await la.entriesOf('2026-03-08')).toEqual([entry('ord_1', live(1), '1.00')]);
    expect(await paris.entriesOf('2026-03-08')).toEqual([entry('ord_1', live(0), '2.00')]);
    expect(await la.totalsBetween('2026-03-01', '2026-03-31')).toEqual([totals('2026-03-08', 'USD', 1, '1.00')]);
    expect(await paris.totalsBetween('2026-03-01', '2026-03-31')).toEqual([]);
    expect(await inZone('UTC').entriesOf('2026-03-08')).toEqual([]);
  });
});

describe.each(STORES)('the daily sales store, %s', (_, freshStore) => {
  it('puts entries over nothing and reads a day back whole, an entry without figures included, other days apart', async () => {
    const store = await freshStore();
    const entries = [entry('ord_2', live(1)), entry('ord_1', live(1), null), entry('ord_1', live(1), '5', '2026-03-09')];

    expect(await store.putEntries(entries)).toEqual({ refused: [] });

    expect(await store.entriesOf('2026-03-08')).toEqual([entries[1], entries[0]]);
    expect(await store.entriesOf('2026-03-09')).toEqual([entries[2]]);
    expect(await store.entriesOf('2026-03-10')).toEqual([]);
  });

  it.each(VERSION_CASES)('puts an entry by the version rule: %s', async (_, stored, incoming, lands) => {
    const store = await freshStore();
    await store.putEntries([entry('ord_1', stored, '1.00')]);

    const answer = await store.putEntries([entry('ord_1', incoming, '2.00')]);

    expect(answer.refused).toEqual(lands ? [] : [{ day: '2026-03-08', orderId: 'ord_1' }]);
    expect(await store.entriesOf('2026-03-08')).toEqual([lands ? entry('ord_1', incoming, '2.00') : entry('ord_1', stored, '1.00')]);
  });

  it('corrects an entry only while it holds the version read: replaced, emptied in its own version; a moved entry is left alone', async () => {
    const store = await freshStore();
    await store.putEntries([entry('ord_1', live(2)), entry('ord_2', deletion(3, true))]);

    expect(await store.correctEntry({ day: '2026-03-08', orderId: 'ord_1' }, live(1), entry('ord_1', live(1), '1.00'))).toBe(false);
    expect(await store.correctEntry({ day: '2026-03-08', orderId: 'ord_1' }, live(2), entry('ord_1', live(1), '1.00'))).toBe(true);
    expect(await store.correctEntry({ day: '2026-03-08', orderId: 'ord_2' }, deletion(3), entry('ord_2', deletion(3), null))).toBe(false);
    expect(
      await store.correctEntry({ day: '2026-03-08', orderId: 'ord_2' }, deletion(3, true), entry('ord_2', deletion(3, true), null)),
    ).toBe(true);
    expect(await store.correctEntry({ day: '2026-03-08', orderId: 'ord_3' }, live(1), entry('ord_3', live(1), null))).toBe(false);

    expect(await store.entriesOf('2026-03-08')).toEqual([entry('ord_1', live(1), '1.00'), entry('ord_2', deletion(3, true), null)]);
  });

  it('keeps totals per day and currency: replaced by a put, deleted by key, read from one day to another both included', async () => {
    const store = await freshStore();
    await store.putTotals([
      totals('2026-03-07', 'USD', 1, '1'),
      totals('2026-03-08', 'USD', 2, '2'),
      totals('2026-03-08', 'EUR', 3, '3.5'),
      totals('2026-03-09', 'JPY', 4, '400'),
      totals('2026-03-10', 'USD', 5, '5'),
    ]);

    await store.putTotals([totals('2026-03-08', 'USD', 7, '70.25')]);
    await store.deleteTotals([{ day: '2026-03-09', currency: 'JPY' }]);

    expect(await store.totalsBetween('2026-03-08', '2026-03-10')).toEqual([
      totals('2026-03-08', 'EUR', 3, '3.5'),
      totals('2026-03-08', 'USD', 7, '70.25'),
      totals('2026-03-10', 'USD', 5, '5'),
    ]);
    expect(await store.totalsBetween('2026-03-07', '2026-03-07')).toEqual([totals('2026-03-07', 'USD', 1, '1')]);
  });

  it('writes and deletes more totals rows than one batch holds', async () => {
    const store = await freshStore();
    const rows = Array.from({ length: 60 }, (_, i) =>
      totals(`2026-03-${String(1 + (i % 30)).padStart(2, '0')}`, i < 30 ? 'EUR' : 'USD', i, String(i)),
    );

    await store.putTotals(rows);
    expect(await store.totalsBetween('2026-03-01', '2026-03-31')).toHaveLength(60);

    await store.deleteTotals(rows.slice(0, 40));
    expect((await store.totalsBetween('2026-03-01', '2026-03-31')).map((row) => row.figures.orders).sort((a, b) => a - b)).toEqual(
      rows.slice(40).map((row) => row.figures.orders),
    );
  });
});

const READERS: Array<[string, () => Promise<{ records: RecordStore<Order>; reader: OrderSalesReader }>]> = [
  [
    'DynamoDB (dynalite)',
    async () => {
      const { ordersTable } = await createTestTables(dynamo.endpoint);
      return {
        records: new DynamoRecordStore({ client: dynamo.client, tableName: ordersTable }),
        reader: new DynamoOrderSalesReader({ client: dynamo.client, tableName: ordersTable }),
      };
    },
  ],
  [
    'in memory',
    async () => {
      const records = new InMemoryRecordStore();
      return { records, reader: new InMemoryOrderSalesReader(records) };
    },
  ],
];

describe.each(READERS)("the orders' sales as stored, %s", (_, fresh) => {
  it('reads the version and the sales fields of live orders, a tombstone as deleted, an unknown id as absent', async () => {
    const { records, reader } = await fresh();
    const refunded = order({
      id: 'ord_1',
      total_discounts: '5.00',
      total_shipping: '4.90',
      refunds: [{ id: 'ref_1', created_at: '2026-03-09T09:00:00Z', amount: '20.00' }],
      updated_at: '2026-03-08T12:00:01Z',
    });
    const cancelled = order({ id: 'ord_2', status: 'cancelled', cancelled_at: '2026-03-08T13:00:00Z', updated_at: '2026-03-08T13:00:00Z' });
    const syncedAt = '2026-03-08T14:00:00.000000Z';
    await records.putRecords(
      [refunded, cancelled].map((record) => orderWrite({ record, kind: 'inserted', replaces: null, writeTag: 'run-a#0', syncedAt })),
    );
    const tombstone: TombstoneWrite = {
      id: 'ord_2',
      deletedAt: '2026-03-08T15:00:00.000000Z',
      kind: 'deleted',
      replaces: cancelled.updatedAt,
      writeTag: 'run-a#1',
      syncedAt,
      inferred: true,
    };
    await records.putTombstones([tombstone]);

    const sales = await reader.salesOf(['ord_1', 'ord_2', 'ord_9']);

    expect(sales).toEqual(
      new Map([
        [
          'ord_1',
          {
            version: { updatedAt: refunded.updatedAt, deletedAt: null, readAt: syncedAt },
            order: {
              currency: 'USD',
              status: 'open',
              createdAt: refunded.createdAt,
              cancelledAt: null,
              subtotalPrice: '119.95',
              totalTax: '10.00',
              totalDiscounts: '5.00',
              totalShipping: '4.90',
              refunds: refunded.refunds,
            },
          },
        ],
        [
          'ord_2',
          { version: { updatedAt: tombstone.deletedAt, deletedAt: tombstone.deletedAt, readAt: null, inferred: true }, order: null },
        ],
      ]),
    );
  });
});

const TOUCHED: Array<[string, () => Promise<{ touched: TouchedDaysStore; state: SyncStateStore }>]> = [
  [
    'DynamoDB (dynalite)',
    async () => {
      const { syncStateTable } = await createTestTables(dynamo.endpoint);
      return {
        touched: new DynamoTouchedDaysStore({ client: dynamo.client, tableName: syncStateTable }),
        state: new DynamoSyncStateStore({ client: dynamo.client, tableName: syncStateTable }),
      };
    },
  ],
  ['in memory', async () => ({ touched: new InMemoryTouchedDaysStore(), state: new InMemorySyncStateStore() })],
];

describe.each(TOUCHED)('the touched days, %s', (_, fresh) => {
  it("counts each write that touched a day, per stream, and keeps them across the sync state's own writes", async () => {
    const { touched, state } = await fresh();
    await touched.touch('orders', ['2026-03-09', '2026-03-08', '2026-03-08']);
    await state.acquireLease('orders', aLease({ owner: 'run-a' }), 0);
    await touched.touch('orders', ['2026-03-08']);
    await touched.touch('products', ['2026-03-01']);
    await touched.touch('orders', []);

    expect(await touched.touched('orders')).toEqual(
      new Map([
        ['2026-03-08', 2],
        ['2026-03-09', 1],
      ]),
    );
    expect((await state.get('orders')).lease?.owner).toBe('run-a');
  });

  it('settles a day only at the counter read: a write that touched it meanwhile keeps it', async () => {
    const { touched } = await fresh();
    await touched.touch('orders', ['2026-03-08', '2026-03-09']);
    const read = await touched.touched('orders');
    await touched.touch('orders', ['2026-03-09']);

    expect(await touched.settle('orders', '2026-03-08', read.get('2026-03-08')!)).toBe(true);
    expect(await touched.settle('orders', '2026-03-09', read.get('2026-03-09')!)).toBe(false);
    expect(await touched.settle('orders', '2026-03-10', 1)).toBe(false);
    expect(await touched.touched('orders')).toEqual(new Map([['2026-03-09', 2]]));
  });

  it('settles many days in chunks of one write each; a chunk where one day moved settles the others one by one', async () => {
    const { touched } = await fresh();
    const days = Array.from({ length: 120 }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10));
    await touched.touch('orders', days);
    const read = await touched.touched('orders');
    await touched.touch('orders', [days[70]!]);

    expect(await touched.settleDays('orders', [...read])).toEqual([days[70]]);
    expect(await touched.touched('orders')).toEqual(new Map([[days[70]!, 2]]));
  });
});
