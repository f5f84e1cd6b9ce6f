// The zone of the daily sales end to end from a Shopify shop, SHOP_TIME_ZONE left unset: the figures count in the
// shop's own zone (begin asks `shop { ianaTimezone }`), and when the merchant changes it an incremental run is refused
// at begin, naming both zones, until a full resync rebuilds the figures in the new zone.
import { dailySalesOf } from '../../functions/core/analytics/daily-sales';
import { dailySalesResponse, type DailySalesResponse } from '../../functions/core/analytics/daily-sales-response';
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { runChain, syncState } from '../support/e2e';
import { invokeApi } from '../support/reliability';

const LA = 'America/Los_Angeles';
const TOKYO = 'Asia/Tokyo';

/** The route's answer over the last 366 days, and the same answer recomputed from the shop's order nodes in `zone`. */
async function routeAndShop(stack: E2eStack, zone: string): Promise<{ route: DailySalesResponse; shop: DailySalesResponse }> {
  const range = { from: new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10), to: new Date().toISOString().slice(0, 10) };
  const routed = await invokeApi(stack, 'GET', '/api/analytics/daily-sales', range);
  expect(routed.statusCode).toBe(200);
  const fake = stack.fakeShopify!;
  const orders = fake.truth().map((version) => mapShopifyOrder(fake.order(version.id)));
  const asOf = (await syncState(stack)).checkpoint?.watermark ?? null;
  const shop = dailySalesResponse({ timeZone: zone, range, asOf, sales: dailySalesOf(orders, zone).values() });
  return { route: JSON.parse(routed.body) as DailySalesResponse, shop };
}

describe("the daily sales' zone from a Shopify shop, SHOP_TIME_ZONE unset", () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: {
        shop: { orders: 150, seed: 2731, historyDays: 200 },
        bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
        bulkRate: 1e6,
        timeZone: LA,
      },
      env: { PAGE_SIZE: '100' },
    });
  });
  afterAll(() => stack?.stop());

  it("counts in the shop's own zone; a zone changed in the shop refuses incremental runs until a full resync rebuilds", async () => {
    const first = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(first.at(-1)!.status).toBe('SUCCEEDED');
    const inLa = await routeAndShop(stack, LA);
    expect(inLa.route.time_zone).toBe(LA);
    expect(inLa.route).toEqual(inLa.shop);

    stack.fakeShopify!.setTimeZone(TOKYO);
    const refused = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(refused.at(-1)).toMatchObject({ status: 'FAILED', error: 'SalesZoneChangedError' });
    expect(refused.at(-1)!.cause).toContain(`the daily sales are counted in ${LA}, but the shop's time zone is now ${TOKYO}`);
    expect((await routeAndShop(stack, LA)).route).toEqual(inLa.route);

    const rebuilt = await runChain(stack, { mode: 'full', trigger: 'test' });
    expect(rebuilt.at(-1)!.status).toBe('SUCCEEDED');
    const inTokyo = await routeAndShop(stack, TOKYO);
    expect(inTokyo.route.time_zone).toBe(TOKYO);
    expect(inTokyo.route).toEqual(inTokyo.shop);
    expect(inTokyo.route.days).not.toEqual(inLa.route.days);
  });
});
