// Use case "recompute daily sales": the totals of the days a run touched, summed again from their entries, each entry
// checked against the order version the copy holds, so the figures equal a recomputation from the copy whatever
// the writers did (docs/design.md "Daily sales").
import { addContribution, salesKey, type DailySales, type DaySales } from '../analytics/daily-sales';
import type { LocalDay } from '../analytics/local-day';
import { dayPartOf, samePart, sameVersion, type SalesEntry } from '../analytics/sales-entry';
import { mapWithConcurrency } from '../concurrency';
import type { DailySalesStore, Log, OrderSalesReader } from '../ports';

export interface RecomputeDeps {
  sales: DailySalesStore;
  orders: OrderSalesReader;
  /** The shop's IANA time zone: the days the figures are kept in. */
  zone: string;
  /** Tags the entries this step corrects (`${runId}#${step}`). */
  writeTag: string;
  log?: Log;
}

/** Days recomputed at once: each is a few round trips of its own (entries, orders, rows), independent of the others. */
export const DAYS_IN_FLIGHT = 8;

export interface RecomputeResult {
  days: number;
  entriesRead: number;
  /** Entries the copy contradicted, rewritten from the stored version (or emptied when no order is stored). */
  entriesCorrected: number;
  /** Entries that moved between the read and the correction (a late writer, whose days are touched again). */
  entriesMoved: number;
  rowsWritten: number;
  rowsDeleted: number;
}

/**
 * Recompute the totals of these days:
 * 1. read the day's entries (consistently) and the stored orders they name;
 * 2. take what each stored version adds to the day (nothing when deleted, or when no order is stored: a writer
 *    died between its entries and its order) as the day's truth; an entry that says otherwise (that writer, a
 *    zombie's late entry) is corrected to it, only while it still holds the version read (an entry of an order not
 *    stored is emptied);
 * 3. sum the day by currency with the core's addContribution;
 * 4. put the day's rows and delete those of currencies the day no longer has.
 * Days are independent: DAYS_IN_FLIGHT of them at a time. Safe to repeat: a retry reads and writes the same.
 */
export async function recomputeDailySales(deps: RecomputeDeps, days: readonly LocalDay[]): Promise<RecomputeResult> {
  const result: RecomputeResult = { days: 0, entriesRead: 0, entriesCorrected: 0, entriesMoved: 0, rowsWritten: 0, rowsDeleted: 0 };
  await mapWithConcurrency([...new Set(days)], DAYS_IN_FLIGHT, async (day) => {
    const entries = await deps.sales.entriesOf(day);
    const stored = await deps.orders.salesOf(entries.map((entry) => entry.orderId));
    const totals: DailySales = new Map();
    for (const entry of entries) {
      const order = stored.get(entry.orderId);
      const part = dayPartOf(order?.order ?? null, day, deps.zone);
      if (part) addContribution(totals, [{ day, currency: part.currency, figures: part.figures }]);
      // No order stored: the entry is emptied, not deleted, so the day still names the order should its writer (a
      // zombie) store it after this read; its touch after that write has the day recomputed.
      const version = order?.version ?? entry.version;
      if (sameVersion(entry.version, version) && samePart(entry.part, part)) continue;
      const replacement: SalesEntry = { day, orderId: entry.orderId, part, version, writeTag: deps.writeTag };
      if (await deps.sales.correctEntry({ day, orderId: entry.orderId }, entry.version, replacement)) result.entriesCorrected++;
      else result.entriesMoved++;
    }
    const rows: DaySales[] = [...totals.values()];
    const gone = (await deps.sales.totalsBetween(day, day)).filter((row) => !totals.has(salesKey(day, row.currency)));
    await deps.sales.putTotals(rows);
    await deps.sales.deleteTotals(gone.map(({ currency }) => ({ day, currency })));
    result.days++;
    result.entriesRead += entries.length;
    result.rowsWritten += rows.length;
    result.rowsDeleted += gone.length;
  });
  if (result.entriesCorrected + result.entriesMoved > 0) deps.log?.warn('daily sales entries the copy contradicted', { ...result });
  return result;
}
