// Use case "read daily sales": the route's answer for a range of days, from the kept totals in one read.
import { parseDayRange } from '../analytics/daily-sales-range';
import { dailySalesResponse, type DailySalesResponse } from '../analytics/daily-sales-response';
import type { DailySalesStore, SyncStateStore } from '../ports';

export interface ReadDailySalesDeps {
  sales: Pick<DailySalesStore, 'totalsBetween'>;
  state: Pick<SyncStateStore, 'get'>;
  /** The zone the figures are counted in (SHOP_TIME_ZONE). */
  zone: string;
}

/**
 * 1. Check the range asked for (InvalidInputError naming the parameter and the problem);
 * 2. read its totals (one Query) and the orders stream's watermark, which the figures are as of;
 * 3. shape the answer, money in each currency's places.
 */
export async function readDailySales(
  deps: ReadDailySalesDeps,
  query: Readonly<Record<string, string | undefined>>,
): Promise<DailySalesResponse> {
  const range = parseDayRange(query);
  const [sales, state] = await Promise.all([deps.sales.totalsBetween(range.from, range.to), deps.state.get('orders')]);
  return dailySalesResponse({ timeZone: deps.zone, range, asOf: state.checkpoint?.watermark ?? null, sales });
}
