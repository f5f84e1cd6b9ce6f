// ORDERS_API.md's promise, checked end to end: a walk that keeps its filters loses no order that stays
// inside the window, while the shop changes hundreds of orders a second (duplicates allowed).
import { HttpOrdersSource } from '../../functions/adapters/source/http-orders-source';
import { startFakeOrdersApi, type FakeOrdersApi } from '../../local/fake-orders-api';
import { walkWindow } from '../support/fake-api-walk';
import type { OrderSource } from '../../functions/core/ports';

describe('walking a window while the shop changes orders', () => {
  let api: FakeOrdersApi;
  let source: HttpOrdersSource;

  afterEach(async () => {
    await source.close();
    await api.stop();
  });

  it.each([
    // The source's clock agrees with ours: a changed order leaves the window (its updated_at is past `to`).
    { case: 'changed orders leave the window', clockOffsetMs: 0, fromIndex: null },
    // The source runs two minutes behind: a changed order moves to the window's end, and the walk must reach it there.
    { case: 'changed orders move to the end of the window', clockOffsetMs: -120_000, fromIndex: 2000 },
  ])('returns every order that stayed inside the window ($case)', async ({ clockOffsetMs, fromIndex }) => {
    api = await startFakeOrdersApi({ orders: 10_000, seed: 99, clockOffsetMs, faults: { latencyMs: 10 } });
    source = new HttpOrdersSource({ baseUrl: api.url, token: api.token, backoff: { baseMs: 1, capMs: 5 } });
    const to = new Date().toISOString().replace('Z', '000Z');
    const window = { from: fromIndex === null ? null : api.truth()[fromIndex]!.updated_at, to };
    const before = api.truth(window);

    // The shop as it was when the walk sent its last request: an order placed after that (the live timer can
    // still fire before setLiveRate(0) below) was never promised to this walk.
    let beforeLastRequest = new Set<string>();
    const recordingSource: OrderSource = {
      fetchPage: (request) => {
        beforeLastRequest = new Set(api.truth(window).map((order) => order.id));
        return source.fetchPage(request);
      },
      count: (countedWindow) => source.count(countedWindow),
    };
    api.setLiveRate(400);
    const walk = await walkWindow(recordingSource, window, 100);
    api.setLiveRate(0);

    const after = api.truth(window);
    const seen = new Map<string, Set<string>>();
    for (const order of walk.orders) seen.set(order.id, (seen.get(order.id) ?? new Set()).add(order.updatedAt));
    const missing = after.filter((order) => beforeLastRequest.has(order.id) && !seen.has(order.id));
    expect(beforeLastRequest.size).toBeGreaterThan(0);
    expect(api.stats().changes).toBeGreaterThan(200);
    expect(missing).toEqual([]);
    // Nothing outside the window, and no version the shop never had after the walk began.
    expect(walk.orders.every((order) => order.updatedAt < to && (window.from === null || order.updatedAt >= window.from))).toBe(true);
    if (clockOffsetMs === 0) {
      // Orders changed during the walk left the window; those that stayed were never changed and were seen as they are.
      expect(after.length).toBeLessThan(before.length);
      expect(after.filter((order) => !seen.get(order.id)!.has(order.updated_at))).toEqual([]);
    } else {
      // Orders changed after the walk passed them were met again at the window's end.
      expect(walk.orders.length).toBeGreaterThan(new Set(walk.orders.map((order) => order.id)).size);
    }
  });
});
