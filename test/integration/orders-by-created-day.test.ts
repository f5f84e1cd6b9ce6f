// The orders table's index `by_created_day` on dynalite, its tables created as the local stack creates them: orders
// written through the real store in America/Los_Angeles are listed one local day at a time by the query
// docs/design.md documents, in creation order, with what a list shows and no payload; a deleted order leaves the list.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { orderItems } from '../../functions/adapters/dynamodb/order-item';
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import { ORDERS_BY_CREATED_DAY_INDEX } from '../../functions/adapters/dynamodb/tables';
import { createTestTables, useDynalite } from '../support/dynalite';
import { order, orderWrite } from '../support/order-factory';

const dynamo = useDynalite();
const LA = 'America/Los_Angeles';

/** The documented query (docs/design.md "Listing one day's orders"), as a dashboard would send it. */
async function listDay(tableName: string, day: string): Promise<Array<Record<string, unknown>>> {
  const answer = await dynamo.client.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'by_created_day',
      KeyConditionExpression: 'created_day = :day',
      ExpressionAttributeValues: { ':day': day },
    }),
  );
  return answer.Items ?? [];
}

describe('listing one day of orders through the by_created_day index', () => {
  it("lists a 25-hour local day's orders, in creation order, with what a list shows; a deleted order leaves it", async () => {
    expect(ORDERS_BY_CREATED_DAY_INDEX.name).toBe('by_created_day');
    const { ordersTable } = await createTestTables(dynamo.endpoint);
    const records = new DynamoRecordStore({ client: dynamo.client, tableName: ordersTable, items: orderItems(LA) });
    // Around the end of DST in Los Angeles: 2026-11-01 runs from 07:00Z to 08:00Z the next day (25 hours).
    const placed = [
      { id: 'ord_before', createdAt: '2026-11-01T06:59:59Z' }, // 23:59:59 PDT, 2026-10-31
      { id: 'ord_first', createdAt: '2026-11-01T07:00:00Z' }, // 00:00 PDT
      { id: 'ord_repeat', createdAt: '2026-11-01T09:30:00Z' }, // 01:30 PST, the repeated hour's second pass
      { id: 'ord_pdt', createdAt: '2026-11-01T08:30:00Z' }, // 01:30 PDT, its first pass
      { id: 'ord_last', createdAt: '2026-11-02T07:59:59Z' }, // 23:59:59 PST
      { id: 'ord_after', createdAt: '2026-11-02T08:00:00Z' }, // 2026-11-02
    ];
    const orders = placed.map(({ id, createdAt }, n) =>
      order({ id, order_number: 2001 + n, created_at: createdAt, updated_at: '2026-11-02T09:00:00Z', total_price: `${n + 1}0.00` }),
    );
    const syncedAt = '2026-11-02T10:00:00.000000Z';
    await records.putRecords(
      orders.map((record) => orderWrite({ record, kind: 'inserted', replaces: null, writeTag: 'run-a#0', syncedAt })),
    );

    const day = await listDay(ordersTable, '2026-11-01');
    expect(day.map((item) => item.id)).toEqual(['ord_first', 'ord_pdt', 'ord_repeat', 'ord_last']);
    expect(day[0]).toEqual({
      id: 'ord_first',
      created_day: '2026-11-01',
      created_at: '2026-11-01T07:00:00.000000Z',
      order_number: 2002,
      status: 'open',
      financial_status: 'paid',
      currency: 'USD',
      total_price: '20.00',
      customer_name: 'Ana Lima',
    });
    expect((await listDay(ordersTable, '2026-10-31')).map((item) => item.id)).toEqual(['ord_before']);
    expect((await listDay(ordersTable, '2026-11-02')).map((item) => item.id)).toEqual(['ord_after']);

    await records.putTombstones([
      {
        id: 'ord_pdt',
        deletedAt: '2026-11-02T11:00:00.000000Z',
        kind: 'deleted',
        replaces: orders[3]!.updatedAt,
        writeTag: 'run-b#0',
        syncedAt,
      },
    ]);
    expect((await listDay(ordersTable, '2026-11-01')).map((item) => item.id)).toEqual(['ord_first', 'ord_repeat', 'ord_last']);
  });

  it("files an order under the local day of the zone its run counts in (Begin's), over the store's configured one", async () => {
    const { ordersTable } = await createTestTables(dynamo.endpoint);
    // A store configured in UTC (SHOP_TIME_ZONE unset), a run counting in Los Angeles (the shop's own zone).
    const records = new DynamoRecordStore({ client: dynamo.client, tableName: ordersTable, items: orderItems('UTC') });
    const record = order({ id: 'ord_evening', created_at: '2026-11-02T03:00:00Z', updated_at: '2026-11-02T09:00:00Z' });
    const syncedAt = '2026-11-02T10:00:00.000000Z';
    await records.putRecords([
      { ...orderWrite({ record, kind: 'inserted', replaces: null, writeTag: 'run-c#0', syncedAt }), localZone: LA },
    ]);

    expect((await listDay(ordersTable, '2026-11-01')).map((item) => item.id)).toEqual(['ord_evening']);
    expect(await listDay(ordersTable, '2026-11-02')).toEqual([]);
  });
});
