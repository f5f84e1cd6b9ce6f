// `npm run report`: the daily-sales route's answer as a person reads it: a table of the figures, then a bar per day of
// net sales for each currency. Pure functions from the answer to text; the command wires them to the API.
import { formatMoney } from '../../functions/core/analytics/currency';
import { compareDecimals, magnitudeRatio } from '../../functions/core/analytics/decimal';
import { parseDayRange, type DayRange } from '../../functions/core/analytics/daily-sales-range';
import type { DailySalesResponse, DailySalesRow } from '../../functions/core/analytics/daily-sales-response';
import { eachDay } from '../../functions/core/analytics/local-day';
import { InvalidInputError } from '../../functions/core/errors';
import { parseFlags, UsageError } from './common';

export const REPORT_USAGE = 'usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD   (both days included, at most 366 days)';

/** The longest bar, in terminal cells. */
const BAR_WIDTH = 40;
/** A bar's last cell in eighths, so two close figures still differ by a visible step. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

const COLUMNS: ReadonlyArray<[header: string, cell: (row: DailySalesRow) => string]> = [
  ['day', (row) => row.day],
  ['currency', (row) => row.currency],
  ['orders', (row) => String(row.orders)],
  ['cancelled', (row) => String(row.cancelled_orders)],
  ['gross sales', (row) => row.gross_sales],
  ['discounts', (row) => row.discounts],
  ['returns', (row) => row.returns],
  ['net sales', (row) => row.net_sales],
  ['shipping', (row) => row.shipping],
  ['taxes', (row) => row.taxes],
  ['total sales', (row) => row.total_sales],
];
/** Day and currency read left to right; the figures line up on their last digit. */
const LEFT_ALIGNED = 2;

/** The report's range from its flags; a bad one is a usage error naming the problem. */
export function parseReportArgs(args: string[]): DayRange {
  const flags = parseFlags(args, { from: { type: 'string' }, to: { type: 'string' } }, REPORT_USAGE);
  try {
    return parseDayRange({ from: flags.from, to: flags.to });
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(`--${error.message}\n\n${REPORT_USAGE}`);
    throw error;
  }
}

function salesTable(rows: readonly DailySalesRow[]): string {
  const cells = [COLUMNS.map(([header]) => header), ...rows.map((row) => COLUMNS.map(([, cell]) => cell(row)))];
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  return cells
    .map((line) =>
      line.map((cell, column) => (column < LEFT_ALIGNED ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  '),
    )
    .join('\n');
}

function bar(netSales: string, largest: string): string {
  const eighths = Math.round(magnitudeRatio(netSales, largest) * BAR_WIDTH * 8);
  if (compareDecimals(netSales, '0') < 0) return '░'.repeat(Math.ceil(eighths / 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

/** Net sales of every day of the range in one currency: a bar each, days without sales included (empty). */
function netSalesChart(answer: DailySalesResponse, currency: string): string {
  const byDay = new Map(answer.days.filter((row) => row.currency === currency).map((row) => [row.day, row.net_sales]));
  const zero = formatMoney('0', currency);
  const magnitude = (net: string): string => net.replace(/^-/, '');
  const largest = [...byDay.values()].map(magnitude).reduce((max, net) => (compareDecimals(net, max) > 0 ? net : max), '0');
  const values = eachDay(answer.from, answer.to).map((day) => [day, byDay.get(day) ?? zero] as const);
  const valueWidth = Math.max(...values.map(([, net]) => net.length));
  const lines = values.map(([day, net]) => `${day}  ${net.padStart(valueWidth)} │${bar(net, largest)}`.trimEnd());
  return [`Net sales by day, ${currency}${largest === '0' ? '' : ` (█ sales, ░ more returned than sold)`}`, ...lines].join('\n');
}

/** The whole report: heading, table, and a chart per currency. */
export function formatDailySales(answer: DailySalesResponse): string {
  const heading = `Daily sales ${answer.from} to ${answer.to} (${answer.time_zone}), as of ${answer.as_of ?? 'never synced'}`;
  if (answer.days.length === 0) return `${heading}\n\nNo orders or refunds in these days.`;
  const currencies = [...new Set(answer.days.map((row) => row.currency))].sort();
  return [heading, salesTable(answer.days), ...currencies.map((currency) => netSalesChart(answer, currency))].join('\n\n');
}
