// The daily sales end to end on the local stack (its synthesized roles enforced), in America/Los_Angeles over both
// DST changes of 2026: a full resync, then changes (cancellations and refunds among them), creations, deletions and
// an incremental run; after each, GET /api/analytics/daily-sales over the whole history equals a recomputation from
// the source's own orders, and the two DST days hold the orders their hand-written UTC bounds (23 and 25 hours) do.
import type { DailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { dailySalesOf, isCancelled } from '../../functions/core/analytics/daily-sales';
import { dailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { isZeroDecimal, subtractDecimals, sumDecimals } from '../../functions/core/analytics/decimal';
import { localDayOf } from '../../functions/core/analytics/time-zone';
import type { Order } from '../../functions/core/order';
import { validateOrder } from '../../functions/core/validate-order';
import type { FakeOrdersApi } from '../../local/fakes/orders-api';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { syncState } from '../support/e2e';
import { invokeApi, runToEnd } from '../support/reliability';

const LA = 'America/Los_Angeles';
const ORDERS = 300;

/** Orders placed around the DST changes (served with these created_at), and the local day each falls on. */
const AROUND_DST = [
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

/** The last 366 days: the shop's history is shorter, and Los Angeles' day is never ahead of UTC's. */
function lastYear(): { from: string; to: string } {
  return { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };
}

function sourceOrders(fake: FakeOrdersApi): Order[] {
  return fake.truth().map((version) => validateOrder(fake.order(version.id)));
}

/** The route's answer over the last 366 days, and the same answer recomputed from the source's orders. */
async function routeAndSource(stack: E2eStack): Promise<{ route: DailySalesResponse; source: DailySalesResponse }> {
  const range = lastYear();
  const routed = await invokeApi(stack, 'GET', '/api/analytics/daily-sales', range);
  expect(routed.statusCode).toBe(200);
  const route = JSON.parse(routed.body) as DailySalesResponse;
  const asOf = (await syncState(stack)).checkpoint?.watermark ?? null;
  const sales = dailySalesOf(sourceOrders(stack.fake), LA).values();
  return { route, source: dailySalesResponse({ timeZone: LA, range, asOf, sales }) };
}

/** Checks of the answer that do not go through the daily sales code: the DST days' orders, every refund returned. */
function expectIndependentFigures(route: DailySalesResponse, orders: readonly Order[]): void {
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

describe('daily sales kept by every run', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 2727, historyDays: 300 },
      env: { PAGE_SIZE: '100', SHOP_TIME_ZONE: LA, DAILY_SALES: 'true' },
    });
  });
  afterAll(() => stack?.stop());

  it('after a full resync, then cancellations, refunds, creations, deletions and an incremental run, the route equals the source recomputed, across both DST changes', async () => {
    const fake = stack.fake;
    const ids = fake.truth().map((order) => order.id);
    // The newest orders (created in the last weeks) placed around the DST changes instead: their refunds and
    // updated_at stay after their creation.
    const placedAroundDst = ids.slice(-AROUND_DST.length);
    AROUND_DST.forEach(({ createdAt }, i) => fake.corruptOrder(placedAroundDst[i]!, { created_at: createdAt }));
    for (const [i, id] of placedAroundDst.entries())
      expect(localDayOf(validateOrder(fake.order(id)).createdAt, LA)).toBe(AROUND_DST[i]!.day);

    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });
    expect(full.status).toBe('SUCCEEDED');
    const afterFull = await routeAndSource(stack);
    expect(afterFull.route).toEqual(afterFull.source);
    expect(afterFull.route.days.length).toBeGreaterThan(50);
    expect(afterFull.route.days.some((row) => row.cancelled_orders > 0)).toBe(true);
    expect(afterFull.route.days.some((row) => !isZeroDecimal(row.returns))).toBe(true);
    expectIndependentFigures(afterFull.route, sourceOrders(fake));

    // Changes re-roll statuses and refunds: some orders get cancelled, some get refunds on later days than their
    // creation, some lose theirs; then creations and deletions.
    const before = new Map(sourceOrders(fake).map((order) => [order.id, order]));
    fake.mutate({ updates: ids.slice(0, 40), creates: 10 });
    fake.deleteOrders(ids.slice(100, 110));
    const after = new Map(sourceOrders(fake).map((order) => [order.id, order]));
    const changed = ids.slice(0, 40).map((id) => ({ was: before.get(id)!, is: after.get(id)! }));
    expect(changed.filter(({ was, is }) => !isCancelled(was) && isCancelled(is)).length).toBeGreaterThan(0);
    const refundedLater = changed.filter(
      ({ was, is }) =>
        JSON.stringify(is.refunds) !== JSON.stringify(was.refunds) &&
        is.refunds.some((refund) => localDayOf(refund.createdAt!, LA) > localDayOf(is.createdAt, LA)),
    );
    expect(refundedLater.length).toBeGreaterThan(0);

    const incremental = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });
    expect(incremental.status).toBe('SUCCEEDED');
    const afterIncremental = await routeAndSource(stack);
    expect(afterIncremental.route).toEqual(afterIncremental.source);
    expect(afterIncremental.route).not.toEqual(afterFull.route);
    expectIndependentFigures(afterIncremental.route, sourceOrders(fake));
  });
});
