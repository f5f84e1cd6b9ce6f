// `npm run report`: the daily-sales answer as a table and a bar per day of net sales, and the command's range flags.
import type { DailySalesResponse, DailySalesRow } from '../../functions/core/analytics/daily-sales-response';
import { UsageError } from '../../local/cli/common';
import { formatDailySales, parseReportArgs } from '../../local/cli/sales-report';

function row(overrides: Partial<DailySalesRow>): DailySalesRow {
  return {
    day: '2026-03-08',
    currency: 'USD',
    orders: 1,
    cancelled_orders: 0,
    gross_sales: '0.00',
    discounts: '0.00',
    returns: '0.00',
    net_sales: '0.00',
    shipping: '0.00',
    taxes: '0.00',
    total_sales: '0.00',
    ...overrides,
  };
}

const answer: DailySalesResponse = {
  time_zone: 'America/Los_Angeles',
  from: '2026-03-07',
  to: '2026-03-10',
  as_of: '2026-03-11T00:05:00.000000Z',
  days: [
    row({
      day: '2026-03-07',
      orders: 12,
      gross_sales: '1234.50',
      discounts: '34.00',
      net_sales: '1200.50',
      taxes: '96.04',
      total_sales: '1296.54',
    }),
    row({
      day: '2026-03-08',
      currency: 'JPY',
      orders: 2,
      gross_sales: '1200',
      discounts: '0',
      returns: '0',
      net_sales: '1200',
      shipping: '0',
      taxes: '120',
      total_sales: '1320',
    }),
    row({ day: '2026-03-08', orders: 5, cancelled_orders: 1, gross_sales: '600.25', net_sales: '600.25', total_sales: '600.25' }),
    row({ day: '2026-03-10', orders: 0, returns: '50.00', net_sales: '-50.00', total_sales: '-50.00' }),
  ],
};

describe('the daily-sales report', () => {
  const text = formatDailySales(answer);
  const lines = text.split('\n');

  it('heads the report with the range, the zone and how fresh the figures are', () => {
    expect(lines[0]).toBe('Daily sales 2026-03-07 to 2026-03-10 (America/Los_Angeles), as of 2026-03-11T00:05:00.000000Z');
  });

  it('shows a row per day and currency, figures right-aligned under their headers', () => {
    const header = lines[2]!;
    const first = lines[3]!;
    expect(header).toMatch(
      /^day\s+currency\s+orders\s+cancelled\s+gross sales\s+discounts\s+returns\s+net sales\s+shipping\s+taxes\s+total sales$/,
    );
    expect(first).toMatch(/^2026-03-07\s+USD\s+12\s+0\s+1234.50\s+34.00\s+0.00\s+1200.50\s+0.00\s+96.04\s+1296.54$/);
    expect(first.indexOf('1200.50') + '1200.50'.length).toBe(header.indexOf('net sales') + 'net sales'.length);
    expect(lines[4]).toMatch(/^2026-03-08\s+JPY\s+2\s+0\s+1200\s/);
    expect(lines.filter((line) => /^\d{4}-\d{2}-\d{2}\s+(USD|JPY)\s/.test(line))).toHaveLength(4);
  });

  it('draws a bar per day of net sales in each currency, every day of the range, longest for the largest', () => {
    const usd = lines.slice(lines.indexOf('Net sales by day, USD (█ sales, ░ more returned than sold)') + 1).slice(0, 4);
    expect(usd.map((line) => line.slice(0, 10))).toEqual(['2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    const bars = usd.map((line) => line.split('│')[1] ?? '');
    expect(bars[0]).toBe('█'.repeat(40));
    // 600.25 / 1200.50 of 40 cells: exactly half.
    expect(bars[1]).toBe('█'.repeat(20));
    expect(usd[2]).toBe('2026-03-09     0.00 │');
    // Returned more than sold: a shaded bar, 50 / 1200.50 of 40 cells rounded up.
    expect(bars[3]).toBe('░'.repeat(2));
    expect(usd[3]).toContain('-50.00');
  });

  it('draws each currency on its own scale, in its own places', () => {
    const jpy = lines.slice(lines.indexOf('Net sales by day, JPY (█ sales, ░ more returned than sold)') + 1).slice(0, 4);
    expect(jpy).toEqual(['2026-03-07     0 │', `2026-03-08  1200 │${'█'.repeat(40)}`, '2026-03-09     0 │', '2026-03-10     0 │']);
  });

  it('draws a partial last cell in eighths', () => {
    const close = formatDailySales({
      ...answer,
      from: '2026-03-07',
      to: '2026-03-08',
      days: [row({ day: '2026-03-07', net_sales: '100.00' }), row({ day: '2026-03-08', net_sales: '51.00' })],
    });
    // 51 / 100 × 40 = 20.4 cells: 20 full and 3 eighths.
    expect(close.split('\n').at(-1)).toBe(`2026-03-08   51.00 │${'█'.repeat(20)}▍`);
  });

  it('says so when the range has no sales, and when nothing was synced yet', () => {
    expect(formatDailySales({ ...answer, as_of: null, days: [] })).toBe(
      'Daily sales 2026-03-07 to 2026-03-10 (America/Los_Angeles), as of never synced\n\nNo orders or refunds in these days.',
    );
  });
});

describe('the report command’s flags', () => {
  it('reads --from and --to', () => {
    expect(parseReportArgs(['--from', '2026-03-01', '--to', '2026-03-31']).range).toEqual({ from: '2026-03-01', to: '2026-03-31' });
  });

  it.each([
    [['--from', '2026-03-01'], '--to: required, a day as YYYY-MM-DD'],
    [['--from', '2026-02-30', '--to', '2026-03-01'], '--from: "2026-02-30" has day 30, not a day of 2026-02'],
    [['--from', '2026-03-02', '--to', '2026-03-01'], '--to: 2026-03-01 is before from (2026-03-02)'],
    [['--from', '2026-03-01', '--to', '2026-03-02', '--stream', 'x'], "Unknown option '--stream'"],
  ])('refuses %j with a usage error naming the problem', (args, message) => {
    expect(() => parseReportArgs(args)).toThrow(UsageError);
    expect(() => parseReportArgs(args)).toThrow(message);
  });
});
