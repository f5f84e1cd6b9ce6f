// Use case "read daily sales": the route's answer for a range of days, from the kept totals in one read.
import { parseDayRange } from '../analytics/daily-sales-range';
import { dailySalesResponse, type DailySalesResponse } from '../analytics/daily-sales-response';
import type { DailySalesStore, SyncStateStore } from '../ports';

export interface ReadDailySalesDeps {
  /** The totals of one zone's days. */
  salesIn(zone: string): Pick<DailySalesStore, 'totalsBetween'>;
  /** The orders stream's item: the watermark, and the zone the figures are counted in (recorded with them). */
  state: Pick<SyncStateStore, 'get'>;
}

/**
 * 1. Check the range asked for (InvalidInputError naming the parameter and the problem);
 * 2. read the orders stream's watermark, which the figures are as of, and the zone they are counted in; then the
 *    range's totals in that zone (one Query); none recorded (no full resync has built them yet): no days;
 * 3. shape the answer, money in each currency's places.
 */
export async function readDailySales(
  deps: ReadDailySalesDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<DailySalesResponse> {
  const range = parseDayRange(query);
  const state = await deps.state.get('orders');
  const zone = state.salesZone ?? null;
  const sales = zone === null ? [] : await deps.salesIn(zone).totalsBetween(range.from, range.to);
  return dailySalesResponse({ timeZone: zone, range, asOf: state.checkpoint?.watermark ?? null, sales });
}
