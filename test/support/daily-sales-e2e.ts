// What the daily sales' end-to-end tests share across sources: the shop's zone and its two DST changes of 2026 (orders
// placed around them and the days' bounds written by hand in UTC), the route's answer next to a recomputation from the
// source's own orders, and the checks of that answer that do not go through the daily sales code.
import { dailySalesOf, isCancelled } from '../../functions/core/analytics/daily-sales';
import { dailySalesResponse, type DailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { isZeroDecimal, subtractDecimals, sumDecimals } from '../../functions/core/analytics/decimal';
import { localDayOf } from '../../functions/core/analytics/time-zone';
import type { Order } from '../../functions/core/order';
import type { E2eStack } from './e2e-stack';
import { syncState } from './e2e';
import { invokeApi } from './reliability';

export const LA = 'America/Los_Angeles';

/** Orders placed around the DST changes (served with these created_at), and the local day each falls on. */
export const AROUND_DST = [
  { createdAt: '2026-03-08T07:59:59Z', day: '2026-03-07' }, // 23:59:59 PST
  { createdAt: '2026-03-08T00:30:00-08:00', day: '2026-03-08' },
  { createdAt: '2026-03-08T10:30:00Z', day: '2026-03-08' }, // 03:30 PDT, an hour after the skipped one
  { createdAt: '2026-03-09T06:59:59Z', day: '2026-03-08' }, // 23:59:59 PDT: the 23-hour day's last second
  { createdAt: '2026-03-09T07:00:00Z', day: '2026-03-09' },
  { createdAt: '2026-11-01T06:59:59Z', day: '2026-10-31' }, // 23:59:59 PDT
  { createdAt: '2026-11-01T08:30:00Z', day: '2026-11-01' }, // 01:30 PDT, the repeated hour's first pass
  { createdAt: '2026-11-01T01:30:00-08:00', day: '2026-11-01' }, // 01:30 PST, its second pass
  { createdAt: '2026-11-02T07:59:59Z', day: '2026-11-01' }, // 23:59:59 PST: the 25-hour day's last second
  { createdAt: '2026-11-02T08:00:00Z', day: '2026-11-02' },
] as const;

/** The DST days' bounds, written by hand in UTC rather than computed by the code under test. */
const DST_DAYS = [
  { day: '2026-03-08', from: Date.parse('2026-03-08T08:00:00Z'), to: Date.parse('2026-03-09T07:00:00Z') },
  { day: '2026-11-01', from: Date.parse('2026-11-01T07:00:00Z'), to: Date.parse('2026-11-02T08:00:00Z') },
];

/** Reference ids of the newest orders, placed around the DST changes (the shop's patch), each checked on its local day. */
export function placeAroundDst(
  ids: readonly string[],
  patch: (id: string, createdAt: string) => void,
  orderOf: (id: string) => Order,
): string[] {
  // The newest orders (created in the last weeks): their refunds and updated_at stay after their new creation.
  const placed = ids.slice(-AROUND_DST.length);
  AROUND_DST.forEach(({ createdAt }, i) => patch(placed[i]!, createdAt));
  expect(placed.map((id) => localDayOf(orderOf(id).createdAt, LA))).toEqual(AROUND_DST.map(({ day }) => day));
  return placed;
}

/** The last 366 days: the shop's history is shorter, and Los Angeles' day is never ahead of UTC's. */
function lastYear(): { from: string; to: string } {
  return { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };
}

/** The route's answer over the last 366 days, and the same answer recomputed from the source's orders. */
export async function routeAndRecomputed(
  stack: E2eStack,
  sourceOrders: readonly Order[],
): Promise<{ route: DailySalesResponse; source: DailySalesResponse }> {
  const range = lastYear();
  const routed = await invokeApi(stack, 'GET', '/api/analytics/daily-sales', range);
  expect(routed.statusCode).toBe(200);
  const route = JSON.parse(routed.body) as DailySalesResponse;
  const asOf = (await syncState(stack)).checkpoint?.watermark ?? null;
  const sales = dailySalesOf(sourceOrders, LA).values();
  return { route, source: dailySalesResponse({ timeZone: LA, range, asOf, sales }) };
}

/** Checks of the answer that do not go through the daily sales code: the DST days' orders, every refund returned. */
export function expectIndependentFigures(route: DailySalesResponse, orders: readonly Order[]): void {
  for (const { day, from, to } of DST_DAYS) {
    const placed = orders.filter((order) => Date.parse(order.createdAt) >= from && Date.parse(order.createdAt) < to).length;
    const counted = route.days.filter((row) => row.day === day).reduce((sum, row) => sum + row.orders, 0);
    expect({ day, orders: counted }).toEqual({ day, orders: placed });
  }
  for (const currency of new Set(orders.map((order) => order.currency))) {
    const refunded = sumDecimals(
      orders
        .filter((order) => order.currency === currency && !isCancelled(order))
        .flatMap((order) => order.refunds.map((refund) => refund.amount)),
    );
    const returned = sumDecimals(route.days.filter((row) => row.currency === currency).map((row) => row.returns));
    expect({ currency, difference: isZeroDecimal(subtractDecimals(returned, refunded)) }).toEqual({ currency, difference: true });
  }
}

/**
 * What a change did to the orders it touched: some got cancelled, some got refunds dated on a later local day than
 * their creation (as Shopify's sales reports count them). Both must happen for the change to test the figures.
 */
export function expectCancellationsAndLaterRefunds(changed: ReadonlyArray<{ was: Order; is: Order }>): void {
  expect(changed.filter(({ was, is }) => !isCancelled(was) && isCancelled(is)).length).toBeGreaterThan(0);
  const refundedLater = changed.filter(
    ({ was, is }) =>
      JSON.stringify(is.refunds) !== JSON.stringify(was.refunds) &&
      is.refunds.some((refund) => refund.createdAt !== null && localDayOf(refund.createdAt, LA) > localDayOf(is.createdAt, LA)),
  );
  expect(refundedLater.length).toBeGreaterThan(0);
}
