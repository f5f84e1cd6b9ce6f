// The daily sales end to end from a Shopify shop (the fake GraphQL Admin API: a bulk export for the full resync, the
// paged query for changes), in America/Los_Angeles: after each run the route equals a recomputation from the shop's
// own order nodes, mapped as the connector maps them (their refunds, discounts and cancellations included).
import { dailySalesOf } from '../../functions/core/analytics/daily-sales';
import { dailySalesResponse, type DailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { isZeroDecimal } from '../../functions/core/analytics/decimal';
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { runChain, syncState } from '../support/e2e';
import { invokeApi } from '../support/reliability';

const LA = 'America/Los_Angeles';

/** The route's answer over the last 366 days, and the same answer recomputed from the shop's order nodes. */
async function routeAndShop(stack: E2eStack): Promise<{ route: DailySalesResponse; shop: DailySalesResponse }> {
  const range = { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };
  const routed = await invokeApi(stack, 'GET', '/api/analytics/daily-sales', range);
  expect(routed.statusCode).toBe(200);
  const fake = stack.fakeShopify!;
  const orders = fake.truth().map((version) => mapShopifyOrder(fake.order(version.id)));
  const asOf = (await syncState(stack)).checkpoint?.watermark ?? null;
  const shop = dailySalesResponse({ timeZone: LA, range, asOf, sales: dailySalesOf(orders, LA).values() });
  return { route: JSON.parse(routed.body) as DailySalesResponse, shop };
}

describe('daily sales from a Shopify shop', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: { shop: { orders: 300, seed: 2728, historyDays: 300 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 }, bulkRate: 1e6 },
      env: { PAGE_SIZE: '100', SHOP_TIME_ZONE: LA },
    });
  });
  afterAll(() => stack?.stop());

  it('after the bulk full resync, then changes and creations and an incremental run, the route equals the shop recomputed', async () => {
    const full = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(full.at(-1)!.status).toBe('SUCCEEDED');
    const afterFull = await routeAndShop(stack);
    expect(afterFull.route).toEqual(afterFull.shop);
    expect(afterFull.route.days.some((row) => row.cancelled_orders > 0)).toBe(true);
    expect(afterFull.route.days.some((row) => !isZeroDecimal(row.returns))).toBe(true);
    expect(afterFull.route.days.some((row) => !isZeroDecimal(row.discounts))).toBe(true);

    const fake = stack.fakeShopify!;
    fake.shop.mutate({
      updates: fake.shop
        .truth()
        .slice(0, 40)
        .map((order) => order.id),
      creates: 10,
    });
    const incremental = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(incremental.at(-1)!.status).toBe('SUCCEEDED');
    const afterIncremental = await routeAndShop(stack);
    expect(afterIncremental.route).toEqual(afterIncremental.shop);
    expect(afterIncremental.route).not.toEqual(afterFull.route);
  });
});
