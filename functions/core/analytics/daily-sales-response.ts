// The daily-sales route's answer: the figures of the days asked for, one row per day and currency, money in each
// currency's own decimal places, net and total sales derived from the kept figures.
import type { Instant } from '../order';
import { formatMoney } from './currency';
import type { DaySales } from './daily-sales';
import { netSalesOf, totalSalesOf } from './daily-sales';
import type { DayRange } from './daily-sales-range';
import type { LocalDay } from './local-day';

export interface DailySalesRow {
  day: LocalDay;
  currency: string;
  orders: number;
  cancelled_orders: number;
  gross_sales: string;
  discounts: string;
  returns: string;
  net_sales: string;
  shipping: string;
  taxes: string;
  total_sales: string;
}

export interface DailySalesResponse {
  /** The zone the figures are counted in, as recorded with them; null before any are built. */
  time_zone: string | null;
  from: LocalDay;
  to: LocalDay;
  /** The orders stream's watermark: the figures hold every change the source made before it. null: never synced. */
  as_of: Instant | null;
  /** Only days and currencies with an order or a refund; by day, then currency. */
  days: DailySalesRow[];
}

export function dailySalesRow({ day, currency, figures }: DaySales): DailySalesRow {
  const money = (amount: string): string => formatMoney(amount, currency);
  return {
    day,
    currency,
    orders: figures.orders,
    cancelled_orders: figures.cancelledOrders,
    gross_sales: money(figures.grossSales),
    discounts: money(figures.discounts),
    returns: money(figures.returns),
    net_sales: money(netSalesOf(figures)),
    shipping: money(figures.shipping),
    taxes: money(figures.taxes),
    total_sales: money(totalSalesOf(figures)),
  };
}

/** The answer for a range from the figures read (days outside the range are left out, whatever the reader gave). */
export function dailySalesResponse(input: {
  timeZone: string | null;
  range: DayRange;
  asOf: Instant | null;
  sales: Iterable<DaySales>;
}): DailySalesResponse {
  const { from, to } = input.range;
  const rows = [...input.sales]
    .filter(({ day, figures }) => day >= from && day <= to && (figures.orders > 0 || figures.refunds > 0))
    .sort((a, b) => (a.day === b.day ? (a.currency < b.currency ? -1 : 1) : a.day < b.day ? -1 : 1))
    .map(dailySalesRow);
  return { time_zone: input.timeZone, from, to, as_of: input.asOf, days: rows };
}
