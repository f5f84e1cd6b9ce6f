// GET /api/analytics/daily-sales through the api function as Lambda runs it, over dynalite: the kept totals of the
// days asked for in one read, money in each currency's places, as of the orders stream's watermark; bad input
// answered 400 with the reason; and `npm run report` asking it over HTTP.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDailySalesStore } from '../../functions/adapters/dynamodb/daily-sales-store';
import { checkpointToItem } from '../../functions/adapters/dynamodb/sync-state-item';
import { ZERO_FIGURES, type DaySales } from '../../functions/core/analytics/daily-sales';
import { handler } from '../../functions/handlers/api';
import { resetRuntime } from '../../functions/runtime/once';
import { startHttpApiServer } from '../../local/aws/http-api-server';
import { CliError } from '../../local/cli/common';
import { dailySalesReport } from '../../local/cli/sales-report';
import { apiEvent, callApi } from '../support/api-events';
import { createTestTables, TEST_REGION, useDynalite } from '../support/dynalite';
import { aCheckpoint } from '../support/run-factory';

const dynamo = useDynalite();
const PATH = '/api/analytics/daily-sales';
const WATERMARK = '2026-03-10T08:00:00.000000Z';
const LA = 'America/Los_Angeles';

const row = (day: string, currency: string, figures: Partial<DaySales['figures']>): DaySales => ({
  day,
  currency,
  figures: { ...ZERO_FIGURES, ...figures },
});

const get = (query: Record<string, string>) => callApi(handler, apiEvent('GET', PATH, query));

describe('GET /api/analytics/daily-sales', () => {
  const saved = { ...process.env };

  beforeAll(async () => {
    const tables = await createTestTables(dynamo.endpoint);
    Object.assign(process.env, {
      AWS_REGION: TEST_REGION,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SYNC_STATE_TABLE: tables.syncStateTable,
      DAILY_SALES_TABLE: tables.dailySalesTable,
    });
    resetRuntime();
    await new DynamoDailySalesStore({ client: dynamo.client, tableName: tables.dailySalesTable, zone: LA }).putTotals([
      row('2026-03-07', 'USD', { orders: 9 }),
      row('2026-03-08', 'USD', { orders: 2, cancelledOrders: 1, grossSales: '105', discounts: '5', shipping: '4.9', taxes: '8.4' }),
      row('2026-03-08', 'JPY', { orders: 1, grossSales: '1500', taxes: '150' }),
      row('2026-03-09', 'USD', { refunds: 1, returns: '20' }),
      row('2026-03-11', 'USD', { orders: 3 }),
    ]);
    await dynamo.client.send(
      new PutCommand({
        TableName: tables.syncStateTable,
        Item: { stream: 'orders', checkpoint: checkpointToItem(aCheckpoint({ watermark: WATERMARK })), sales_zone: LA },
      }),
    );
  });
  afterAll(() => {
    process.env = saved;
    resetRuntime();
  });

  it('answers the days asked for, both included, by day then currency, in the shop zone, as of the watermark', async () => {
    const { statusCode, body } = await get({ from: '2026-03-08', to: '2026-03-10' });

    expect(statusCode).toBe(200);
    expect(body).toEqual({
      time_zone: 'America/Los_Angeles',
      from: '2026-03-08',
      to: '2026-03-10',
      as_of: WATERMARK,
      days: [
        {
          day: '2026-03-08',
          currency: 'JPY',
          orders: 1,
          cancelled_orders: 0,
          gross_sales: '1500',
          discounts: '0',
          returns: '0',
          net_sales: '1500',
          shipping: '0',
          taxes: '150',
          total_sales: '1650',
        },
        {
          day: '2026-03-08',
          currency: 'USD',
          orders: 2,
          cancelled_orders: 1,
          gross_sales: '105.00',
          discounts: '5.00',
          returns: '0.00',
          net_sales: '100.00',
          shipping: '4.90',
          taxes: '8.40',
          total_sales: '113.30',
        },
        {
          day: '2026-03-09',
          currency: 'USD',
          orders: 0,
          cancelled_orders: 0,
          gross_sales: '0.00',
          discounts: '0.00',
          returns: '20.00',
          net_sales: '-20.00',
          shipping: '0.00',
          taxes: '0.00',
          total_sales: '-20.00',
        },
      ],
    });
  });

  it.each([
    [{ to: '2026-03-08' }, 'from: required, a day as YYYY-MM-DD'],
    [{ from: '2026-03-08', to: '2026-02-30' }, 'to: "2026-02-30" has day 30, not a day of 2026-02'],
    [{ from: 'yesterday', to: '2026-03-08' }, 'from: "yesterday" is not a day of the form YYYY-MM-DD'],
    [{ from: '2026-03-08', to: '2026-03-07' }, 'to: 2026-03-07 is before from (2026-03-08)'],
    [{ from: '2025-01-01', to: '2026-01-02' }, 'from 2025-01-01 to 2026-01-02 is 367 days, both included; at most 366 days per request'],
    [{ from: '2026-03-08', to: '2026-03-08', zone: 'UTC' }, `unknown parameter "zone": GET ${PATH} accepts from, to`],
  ])('answers %j with 400 naming the problem', async (query, message) => {
    expect(await get(query)).toMatchObject({ statusCode: 400, body: { error: { code: 'invalid_parameter', message } } });
  });

  it('refuses a parameter given twice', async () => {
    const event = apiEvent('GET', PATH, { from: '2026-03-08', to: '2026-03-09' });
    event.multiValueQueryStringParameters = { from: ['2026-03-08', '2026-03-01'], to: ['2026-03-09'] };

    expect(await callApi(handler, event)).toMatchObject({
      statusCode: 400,
      body: { error: { message: 'parameter "from" given more than once' } },
    });
  });

  it('is what `npm run report` prints, as a table and a bar per day of net sales; its refusals name the reason', async () => {
    const server = await startHttpApiServer({ handler });
    try {
      const report = await dailySalesReport(['--from', '2026-03-07', '--to', '2026-03-09', '--api-url', server.url]);
      const json = JSON.parse(await dailySalesReport(['--from', '2026-03-08', '--to', '2026-03-08', '--json', '--api-url', server.url]));

      expect(report.split('\n')[0]).toBe(`Daily sales 2026-03-07 to 2026-03-09 (America/Los_Angeles), as of ${WATERMARK}`);
      expect(report.split('\n')).toContain(
        '2026-03-08  USD            2          1       105.00       5.00     0.00     100.00      4.90   8.40       113.30',
      );
      expect(report).toContain('Net sales by day, USD');
      expect(report.split('\n')).toContain(`2026-03-09  -20.00 │${'░'.repeat(8)}`);
      expect(json.days.map((day: { currency: string }) => day.currency)).toEqual(['JPY', 'USD']);
      await expect(dailySalesReport(['--from', '2026-03-08', '--to', '2026-03-08', '--api-url', `${server.url}/nowhere`])).rejects.toThrow(
        CliError,
      );
    } finally {
      await server.stop();
    }
  });
});
