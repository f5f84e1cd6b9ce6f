// `npm run report`: the daily-sales route's answer as a person reads it: a table of the figures, then a bar per day of
// net sales for each currency. Pure functions from the answer to text, and the command that asks the API for it.
import { formatMoney } from '../../functions/core/analytics/currency';
import { compareDecimals, magnitudeRatio } from '../../functions/core/analytics/decimal';
import { parseDayRange, type DayRange } from '../../functions/core/analytics/daily-sales-range';
import type { DailySalesResponse, DailySalesRow } from '../../functions/core/analytics/daily-sales-response';
import { eachDay } from '../../functions/core/analytics/local-day';
import { InvalidInputError } from '../../functions/core/errors';
import { API_TARGET_FLAGS, API_TARGET_USAGE, apiTargetFrom, callApi, CliError, errorMessage, parseFlags, UsageError } from './common';

export const REPORT_USAGE = `usage: npm run report -- --from YYYY-MM-DD --to YYYY-MM-DD [options]   (both days included, at most 366 days)
  --json             the route's JSON, for scripts
${API_TARGET_USAGE}`;

const REPORT_FLAGS = { from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' }, ...API_TARGET_FLAGS } as const;

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

/** The report's range and the API to ask from its flags; a bad range is a usage error naming the problem. */
export function parseReportArgs(args: string[]): { range: DayRange; flags: ReturnType<typeof parseFlags<typeof REPORT_FLAGS>> } {
  const flags = parseFlags(args, REPORT_FLAGS, REPORT_USAGE);
  try {
    return { range: parseDayRange({ from: flags.from, to: flags.to }), flags };
  } catch (error) {
    if (error instanceof InvalidInputError) throw new UsageError(`--${error.message}\n\n${REPORT_USAGE}`);
    throw error;
  }
}

/** The report of the days the flags name, from GET /api/analytics/daily-sales: the text to print (or its JSON). */
export async function dailySalesReport(args: string[]): Promise<string> {
  const { range, flags } = parseReportArgs(args);
  const query = new URLSearchParams({ from: range.from, to: range.to });
  const answer = await callApi(apiTargetFrom(flags), 'GET', `/api/analytics/daily-sales?${query}`);
  if (answer.status !== 200) throw new CliError(`the daily sales route answered ${answer.status}: ${errorMessage(answer)}`);
  return flags.json ? JSON.stringify(answer.body, null, 2) : formatDailySales(answer.body as DailySalesResponse);
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
  const heading = `Daily sales ${answer.from} to ${answer.to} (${answer.time_zone ?? 'no zone recorded: no figures built yet'}), as of ${answer.as_of ?? 'never synced'}`;
  if (answer.days.length === 0) return `${heading}\n\nNo orders or refunds in these days.`;
  const currencies = [...new Set(answer.days.map((row) => row.currency))].sort();
  return [heading, salesTable(answer.days), ...currencies.map((currency) => netSalesChart(answer, currency))].join('\n\n');
}
