// Around a step's order and tombstone writes: before them, the days they may change touched and their daily sales
// entries put, so that every day an order's stored version adds to has its entry before the order is stored; after
// them, the same days touched again (docs/design.md "Daily sales", steps 2 to 4).
import type { LocalDay } from './local-day';
import type { DailySalesStore, OrderSalesReader, TouchedDaysStore } from '../ports';
import { contributionOf, type SalesOrder } from './daily-sales';
import { salesEntriesOf, type SalesVersion } from './sales-entry';

/** What the orders stream's steps keep the daily sales with (absent for the other streams). */
export interface SalesWriteDeps {
  /** The entries and totals: steps put entries, the recompute step reads them and writes the totals. */
  entries: DailySalesStore;
  /** The stored orders these writes replace: the days their versions added to lose them. */
  orders: OrderSalesReader;
  touched: TouchedDaysStore;
  zone: string;
  stream: string;
}

/** An order write about to be made: the new version (null: a tombstone) and its place in the version order. */
export interface SalesWrite {
  orderId: string;
  order: SalesOrder | null;
  version: SalesVersion;
}

/**
 * 1. read the stored versions of these orders (one consistent batch read), whose days the writes may empty;
 * 2. touch every day the writes may change, before anything is written (a step that dies after this costs only a
 *    recompute);
 * 3. put the entries, each under the version rule (a zombie's older entries are refused as its order write is).
 * Answers the days touched: the caller touches them again once its orders are written (touchAgain).
 */
export async function writeSalesEntries(deps: SalesWriteDeps, writes: readonly SalesWrite[], writeTag: string): Promise<LocalDay[]> {
  if (writes.length === 0) return [];
  const stored = await deps.orders.salesOf(writes.map((write) => write.orderId));
  const entries = writes.flatMap((write) => {
    const replacedDays = contributionOf(stored.get(write.orderId)?.order ?? null, deps.zone).map((sales) => sales.day);
    return salesEntriesOf({ ...write, writeTag }, replacedDays, deps.zone);
  });
  const days = [...new Set(entries.map((entry) => entry.day))];
  await deps.touched.touch(deps.stream, days);
  await deps.entries.putEntries(entries);
  return days;
}

/**
 * Once the orders are written: their days touched again. A recompute settles a day only at the counter it read before
 * the day's entries and orders, so a write whose order landed after that read (a zombie's, whose entries were already
 * in) moves the counter, and the day is recomputed by a later pass, or by the next run when the write came after it.
 */
export async function touchAgain(deps: SalesWriteDeps, days: readonly LocalDay[]): Promise<void> {
  await deps.touched.touch(deps.stream, days);
}
