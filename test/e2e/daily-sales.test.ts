// The daily sales end to end on the local stack (its synthesized roles enforced), in America/Los_Angeles over both
// DST changes of 2026: a full resync, then changes (cancellations and refunds among them), creations, deletions and
// an incremental run; after each, GET /api/analytics/daily-sales over the whole history equals a recomputation from
// the source's own orders, and the two DST days hold the orders their hand-written UTC bounds (23 and 25 hours) do.
import { isZeroDecimal } from '../../functions/core/analytics/decimal';
import type { Order } from '../../functions/core/order';
import { validateOrder } from '../../functions/core/validate-order';
import type { FakeOrdersApi } from '../../local/fakes/orders-api';
import {
  expectCancellationsAndLaterRefunds,
  expectIndependentFigures,
  LA,
  placeAroundDst,
  routeAndRecomputed,
} from '../support/daily-sales-e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { runToEnd } from '../support/reliability';

const ORDERS = 300;

function sourceOrders(fake: FakeOrdersApi): Order[] {
  return fake.truth().map((version) => validateOrder(fake.order(version.id)));
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
    placeAroundDst(
      ids,
      (id, createdAt) => fake.corruptOrder(id, { created_at: createdAt }),
      (id) => validateOrder(fake.order(id)),
    );

    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });
    expect(full.status).toBe('SUCCEEDED');
    const afterFull = await routeAndRecomputed(stack, sourceOrders(fake));
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
    expectCancellationsAndLaterRefunds(changed);

    const incremental = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });
    expect(incremental.status).toBe('SUCCEEDED');
    const afterIncremental = await routeAndRecomputed(stack, sourceOrders(fake));
    expect(afterIncremental.route).toEqual(afterIncremental.source);
    expect(afterIncremental.route).not.toEqual(afterFull.route);
    expectIndependentFigures(afterIncremental.route, sourceOrders(fake));
  }, 300_000); // two runs of the whole stack: more than 2 min on a loaded host
});
