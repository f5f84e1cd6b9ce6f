// The daily sales end to end on the local stack (its synthesized roles enforced): a full resync, then changes and
// deletions and an incremental run; after each, GET /api/analytics/daily-sales over the whole history equals a
// recomputation from the copy, in America/Los_Angeles.
import type { DailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { dailySalesOf } from '../../functions/core/analytics/daily-sales';
import { dailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { syncState } from '../support/e2e';
import { invokeApi, runToEnd, storedOrders } from '../support/reliability';

const LA = 'America/Los_Angeles';
const ORDERS = 300;

/** The route's answer over the last 366 days, and the same answer recomputed from the copy's orders. */
async function routeAndCopy(stack: E2eStack): Promise<{ route: DailySalesResponse; copy: DailySalesResponse }> {
  // The last 366 days: the shop's history is shorter, and Los Angeles' day is never ahead of UTC's.
  const to = new Date().toISOString().slice(0, 10);
  const range = { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to };
  const routed = await invokeApi(stack, 'GET', '/api/analytics/daily-sales', range);
  expect(routed.statusCode).toBe(200);
  const route = JSON.parse(routed.body) as DailySalesResponse;
  const orders = [...(await storedOrders(stack)).values()];
  const asOf = (await syncState(stack)).checkpoint?.watermark ?? null;
  const copy = dailySalesResponse({ timeZone: LA, range, asOf, sales: dailySalesOf(orders, LA).values() });
  return { route, copy };
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

  it('after a full resync, then changes and deletions and an incremental run, the route equals the copy recomputed', async () => {
    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });
    expect(full.status).toBe('SUCCEEDED');
    const afterFull = await routeAndCopy(stack);
    expect(afterFull.route).toEqual(afterFull.copy);
    expect(afterFull.route.days.length).toBeGreaterThan(50);

    const fake = stack.fake!;
    const ids = fake.truth().map((order) => order.id);
    fake.mutate({ updates: ids.slice(0, 40), creates: 10 });
    fake.deleteOrders(ids.slice(100, 110));
    const incremental = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });
    expect(incremental.status).toBe('SUCCEEDED');
    const afterIncremental = await routeAndCopy(stack);

    expect(afterIncremental.route).toEqual(afterIncremental.copy);
    expect(afterIncremental.route).not.toEqual(afterFull.route);
  });
});
