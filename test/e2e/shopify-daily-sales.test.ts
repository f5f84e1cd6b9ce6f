// The daily sales end to end from a Shopify shop (the fake GraphQL Admin API: a bulk export for the full resync, the
// paged query for changes, the destroy events for deletions), in America/Los_Angeles over both DST changes of 2026:
// after each run the route equals a recomputation from the shop's own order nodes, mapped as the connector maps them
// (their refunds, discounts and cancellations included), and the DST days hold the orders their UTC bounds do.
import { isZeroDecimal } from '../../functions/core/analytics/decimal';
import type { Order } from '../../functions/core/order';
import { mapShopifyOrder } from '../../functions/adapters/source/shopify/map-order';
import type { FakeShopify } from '../../local/fakes/shopify';
import { orderGid } from '../../local/fakes/shopify/translate';
import {
  expectCancellationsAndLaterRefunds,
  expectIndependentFigures,
  LA,
  placeAroundDst,
  routeAndRecomputed,
} from '../support/daily-sales-e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { runChain, storedOrder } from '../support/e2e';

/** The shop's orders as the connector maps them, by gid. */
function shopOrders(fake: FakeShopify): Map<string, Order> {
  return new Map(fake.truth().map(({ id }) => [id, mapShopifyOrder(fake.order(id))]));
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

  it('after the bulk full resync, then cancellations, refunds, creations, deletions and an incremental run, the route equals the shop recomputed, across both DST changes', async () => {
    const fake = stack.fakeShopify!;
    // The shop underneath speaks reference ids; the connector and the copy, gids.
    const ids = fake.shop.truth().map((order) => order.id);
    placeAroundDst(
      ids,
      (id, createdAt) => fake.shop.corruptOrder(id, { created_at: createdAt }),
      (id) => mapShopifyOrder(fake.order(orderGid(id))),
    );

    const full = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(full.at(-1)!.status).toBe('SUCCEEDED');
    const afterFull = await routeAndRecomputed(stack, [...shopOrders(fake).values()]);
    expect(afterFull.route).toEqual(afterFull.source);
    expect(afterFull.route.days.length).toBeGreaterThan(50);
    expect(afterFull.route.days.some((row) => row.cancelled_orders > 0)).toBe(true);
    expect(afterFull.route.days.some((row) => !isZeroDecimal(row.returns))).toBe(true);
    expect(afterFull.route.days.some((row) => !isZeroDecimal(row.discounts))).toBe(true);
    expectIndependentFigures(afterFull.route, [...shopOrders(fake).values()]);

    // Changes re-roll statuses and refunds (Shopify dates a refund at the change): some orders get cancelled, some
    // get refunds on later days than their creation; then creations, and deletions served as destroy events.
    const before = shopOrders(fake);
    fake.shop.mutate({ updates: ids.slice(0, 40), creates: 10 });
    const deleted = ids.slice(100, 110).map((id) => orderGid(id));
    expect((await Promise.all(deleted.map((gid) => storedOrder(stack, gid)))).every((stored) => stored !== null)).toBe(true);
    fake.shop.deleteOrders(ids.slice(100, 110));
    const after = shopOrders(fake);
    const changed = ids.slice(0, 40).map((id) => ({ was: before.get(orderGid(id))!, is: after.get(orderGid(id))! }));
    expectCancellationsAndLaterRefunds(changed);

    const incremental = await runChain(stack, { mode: 'incremental', trigger: 'test' });
    expect(incremental.at(-1)!.status).toBe('SUCCEEDED');
    // The incremental run read the deletions from the feed: no full resync reconciled them.
    expect(await Promise.all(deleted.map((gid) => storedOrder(stack, gid)))).toEqual(deleted.map(() => null));
    const afterIncremental = await routeAndRecomputed(stack, [...after.values()]);
    expect(afterIncremental.route).toEqual(afterIncremental.source);
    expect(afterIncremental.route).not.toEqual(afterFull.route);
    expectIndependentFigures(afterIncremental.route, [...after.values()]);
  }, 300_000); // two runs of the whole stack, the first a bulk export: 2.5 min on a loaded host
});
