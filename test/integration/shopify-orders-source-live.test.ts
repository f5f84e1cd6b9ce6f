// ORDERS_API.md's promise through the Shopify connector: a walk that keeps its filter loses no order that stays
// inside the window while the shop changes hundreds of orders a second (duplicates allowed).
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { startFakeShopify, type FakeShopify } from '../../local/fake-shopify';
import { walkWindow } from '../support/fake-api-walk';

describe('walking a Shopify window while the shop changes orders', () => {
  let fake: FakeShopify;
  let source: ShopifyOrdersSource;

  afterEach(async () => {
    await source.close();
    await fake.stop();
  });

  it.each([
    { case: 'changed orders leave the window', clockOffsetMs: 0, fromIndex: null },
    { case: 'changed orders move to the end of the window', clockOffsetMs: -120_000, fromIndex: 2000 },
  ])('returns every order that stayed inside the window ($case)', async ({ clockOffsetMs, fromIndex }) => {
    fake = await startFakeShopify({
      shop: { orders: 10_000, seed: 99, clockOffsetMs, faults: { latencyMs: 5 } },
      bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    });
    source = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token, backoff: { baseMs: 1, capMs: 5 } });
    const to = new Date().toISOString().replace('Z', '000Z');
    const window = { from: fromIndex === null ? null : fake.truth()[fromIndex]!.updated_at, to };
    const before = fake.truth(window);

    fake.shop.setLiveRate(400);
    const walk = await walkWindow(source, window, 100);
    fake.shop.setLiveRate(0);

    const after = fake.truth(window);
    const seen = new Map<string, Set<string>>();
    for (const order of walk.orders) seen.set(order.id, (seen.get(order.id) ?? new Set()).add(order.updatedAt));
    expect(fake.shop.stats().changes).toBeGreaterThan(200);
    // What changed after the last page was asked for is the next run's: the walk had already ended.
    const lastPageAskedAt = fake.calls().filter((call) => call.operation === 'OrdersPage').at(-1)!.at;
    expect(after.filter((order) => !seen.has(order.id) && order.updated_at < lastPageAskedAt)).toEqual([]);
    expect(walk.orders.every((order) => order.updatedAt < to && (window.from === null || order.updatedAt >= window.from))).toBe(true);
    if (clockOffsetMs === 0) {
      expect(after.length).toBeLessThan(before.length);
      expect(after.filter((order) => !seen.get(order.id)!.has(order.updated_at))).toEqual([]);
    } else {
      expect(walk.orders.length).toBeGreaterThan(new Set(walk.orders.map((order) => order.id)).size);
    }
  });
});
