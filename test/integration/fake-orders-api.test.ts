// The fake orders API serves docs/source-contract.md to the letter, over real HTTP on loopback: paging, cursors,
// errors, realistic data, live changes, bad data on demand, and a compact memory footprint.
import { request } from 'undici';
import { validateOrder } from '../../functions/core/validate-order';
import { FakeOrdersApi, startFakeOrdersApi } from '../../local/fakes/orders-api';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

async function get(api: FakeOrdersApi, path: string, options: { token?: string | null } = {}): Promise<Answer> {
  const token = options.token === undefined ? api.token : options.token;
  const response = await request(`${api.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

/** Every raw order of the window, page by page, with the pages' sizes. */
async function walkRaw(
  api: FakeOrdersApi,
  query: string,
  limit: number,
): Promise<{ orders: any[]; pageSizes: number[]; boundaries: Array<[any, any]> }> {
  const orders: any[] = [];
  const pageSizes: number[] = [];
  const boundaries: Array<[any, any]> = [];
  let cursor: string | null = null;
  do {
    const answer = await get(api, `/orders?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    const page = answer.body.orders as any[];
    if (orders.length > 0 && page.length > 0) boundaries.push([orders[orders.length - 1], page[0]]);
    orders.push(...page);
    pageSizes.push(page.length);
    cursor = answer.body.next_cursor;
  } while (cursor !== null);
  return { orders, pageSizes, boundaries };
}

const HISTORY_ENDS_AT_MS = Date.UTC(2026, 10, 1, 12, 0, 0);
const WHOLE_HISTORY = `updated_at_max=${encodeURIComponent('2026-11-01T12:00:00.000001Z')}`;

describe('the fake orders API', () => {
  let api: FakeOrdersApi;

  beforeAll(async () => {
    api = await startFakeOrdersApi({ orders: 3000, seed: 11, historyEndsAtMs: HISTORY_ENDS_AT_MS });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('pages through every order once, sorted by (updated_at, id) as instants, ending with a null cursor', async () => {
    const { orders, pageSizes } = await walkRaw(api, WHOLE_HISTORY, 250);

    const normalised = orders.map((raw) => validateOrder(raw));
    const keys = normalised.map((order) => `${order.updatedAt} ${order.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(normalised.map((order) => order.id)).size).toBe(3000);
    expect(pageSizes).toEqual([...Array(12).fill(250)]);
    expect(normalised.map((order) => ({ id: order.id, updated_at: order.updatedAt }))).toEqual(api.truth());
  });

  it('has bulk updates whose ties straddle page boundaries, and the cursor still loses none of them', async () => {
    const { orders, boundaries } = await walkRaw(api, WHOLE_HISTORY, 50);

    const updatedAt = (raw: any): string => validateOrder(raw).updatedAt;
    const tiedBoundaries = boundaries.filter(([last, first]) => updatedAt(last) === updatedAt(first));
    expect(tiedBoundaries.length).toBeGreaterThan(3);
    const perInstant = new Map<string, number>();
    for (const raw of orders) perInstant.set(updatedAt(raw), (perInstant.get(updatedAt(raw)) ?? 0) + 1);
    expect(Math.max(...perInstant.values())).toBeGreaterThan(100);
    expect(new Set(orders.map((raw) => raw.id)).size).toBe(3000);
  });

  it('serves realistic orders: offsets, 0-6 fraction digits, guests, hundreds of line items, unicode, unknown fields', async () => {
    const { orders } = await walkRaw(api, WHOLE_HISTORY, 250);

    const offsets = new Set(orders.map((raw) => /(Z|[+-]\d\d:\d\d)$/.exec(raw.updated_at)![1]));
    const digits = new Set(orders.map((raw) => (/\.(\d+)/.exec(raw.updated_at)?.[1] ?? '').length));
    expect(offsets.size).toBeGreaterThanOrEqual(8);
    expect([...digits].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(orders.some((raw) => raw.customer === null)).toBe(true);
    expect(Math.max(...orders.map((raw) => raw.line_items.length))).toBeGreaterThanOrEqual(100);
    expect(orders.some((raw) => raw.line_items.length === 0)).toBe(true);
    // eslint-disable-next-line no-control-regex -- the range starts at NUL on purpose: any non-ASCII character
    expect(orders.some((raw) => /[^\u0000-\u007f]/.test(JSON.stringify(raw.customer) + JSON.stringify(raw.line_items)))).toBe(true);
    expect(orders.some((raw) => 'x_platform' in raw || 'tags' in raw || 'note' in raw)).toBe(true);
    expect(orders.every((raw) => typeof raw.total_price === 'string')).toBe(true);
    expect(() => orders.forEach((raw) => validateOrder(raw))).not.toThrow();
  });

  it('filters by updated_at_min (inclusive) and updated_at_max (exclusive), in any offset, and counts the same window', async () => {
    const truth = api.truth();
    const from = truth[1000]!.updated_at;
    const to = truth[2000]!.updated_at;
    // The same instants written at +02:00: the fake must compare instants, not strings.
    const shifted = (instant: string): string => {
      const ms = Date.parse(instant.slice(0, 23) + 'Z') + 2 * 3600_000;
      return `${new Date(ms).toISOString().slice(0, 23)}${instant.slice(23, 26)}+02:00`;
    };
    const query = `updated_at_min=${encodeURIComponent(shifted(from))}&updated_at_max=${encodeURIComponent(shifted(to))}`;

    const { orders } = await walkRaw(api, query, 200);
    const count = await get(api, `/orders/count?${query}`);

    const expected = truth.filter((order) => order.updated_at >= from && order.updated_at < to);
    expect(orders.map((raw) => raw.id)).toEqual(expected.map((order) => order.id));
    expect(count.body).toEqual({ count: expected.length });
    expect(api.truth({ from, to })).toEqual(expected);
  });

  it('refuses a cursor sent with other filters than it was made with (400 invalid_parameter)', async () => {
    const first = await get(api, `/orders?${WHOLE_HISTORY}&limit=10`);

    const moved = await get(api, `/orders?updated_at_max=2026-01-01T00:00:00Z&limit=10&cursor=${first.body.next_cursor}`);
    const forged = await get(api, `/orders?${WHOLE_HISTORY}&cursor=bm90LWEtY3Vyc29y`);

    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('invalid_parameter');
    expect(moved.body.error.message).toMatch(/cursor was issued for other filters/);
    expect(forged.status).toBe(400);
    expect(forged.body.error.message).toMatch(/cursor is not one this API issued/);
  });

  it.each([
    ['limit=0', /limit must be an integer in 1..250/],
    ['limit=251', /limit must be an integer in 1..250/],
    ['limit=ten', /limit must be an integer in 1..250/],
    ['updated_at_min=2025-02-30T00:00:00Z', /updated_at_min "2025-02-30T00:00:00Z" has day 30/],
    ['updated_at_max=yesterday', /updated_at_max "yesterday" is not /],
    ['since=2025-01-01T00:00:00Z', /unknown parameter "since"/],
    ['limit=5&limit=6', /parameter "limit" given more than once/],
  ])('answers %s with 400 invalid_parameter and a message', async (query, message) => {
    const answer = await get(api, `/orders?${query}`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_parameter');
    expect(answer.body.error.message).toMatch(message);
  });

  it('leads on from an empty page with a new cursor (never one the walk followed), and the walk still loses nothing', async () => {
    const first = await get(api, `/orders?${WHOLE_HISTORY}&limit=100`);
    api.script('empty', 'empty');
    const empty = await get(api, `/orders?${WHOLE_HISTORY}&limit=100&cursor=${first.body.next_cursor}`);
    const again = await get(api, `/orders?${WHOLE_HISTORY}&limit=100&cursor=${empty.body.next_cursor}`);
    const next = await get(api, `/orders?${WHOLE_HISTORY}&limit=100&cursor=${again.body.next_cursor}`);

    expect(empty.body.orders).toEqual([]);
    expect(again.body.orders).toEqual([]);
    expect(new Set([first.body.next_cursor, empty.body.next_cursor, again.body.next_cursor]).size).toBe(3);
    const direct = await get(api, `/orders?${WHOLE_HISTORY}&limit=100&cursor=${first.body.next_cursor}`);
    expect(next.body.orders.map((order: any) => order.id)).toEqual(direct.body.orders.map((order: any) => order.id));
  });

  it('answers a missing or wrong token with 401 unauthorized', async () => {
    const missing = await get(api, '/orders', { token: null });
    const wrong = await get(api, '/orders/count', { token: 'not-the-token' });

    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('serves the same shop for the same seed, and another for another seed', async () => {
    const twin = await startFakeOrdersApi({ orders: 3000, seed: 11, historyEndsAtMs: HISTORY_ENDS_AT_MS });
    const other = await startFakeOrdersApi({ orders: 3000, seed: 12, historyEndsAtMs: HISTORY_ENDS_AT_MS });
    try {
      expect(twin.truth()).toEqual(api.truth());
      expect(twin.order('ord_0000042')).toEqual(api.order('ord_0000042'));
      expect(twin.token).toBe(api.token);
      expect(other.truth()).not.toEqual(api.truth());
    } finally {
      await twin.stop();
      await other.stop();
    }
  });

  it('keeps the shop in a few dozen bytes per order (1M orders would stay well under 500 MB)', async () => {
    const big = await startFakeOrdersApi({ orders: 200_000, seed: 3 });
    try {
      const bytesPerOrder = big.stats().tableBytes / 200_000;
      expect(bytesPerOrder).toBeLessThan(48);
      expect(big.truth().length).toBe(200_000);
    } finally {
      await big.stop();
    }
  });
});

describe('the fake orders API rate limit, on a clock that moves only when the test says', () => {
  let now: number;
  const apis: FakeOrdersApi[] = [];
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.stop()));
  });

  /** The statuses and X-RateLimit-Remaining of requests made at these times (ms after a second began), two allowed per second. */
  async function requestsAt(rateWindow: 'fixed' | 'sliding', offsetsMs: number[]): Promise<string[]> {
    const secondStart = Date.UTC(2026, 10, 20, 9, 0, 0);
    now = secondStart;
    const api = await startFakeOrdersApi({ orders: 10, seed: 3, clock: () => now, faults: { rateLimitPerSecond: 2, rateWindow } });
    apis.push(api);
    const seen: string[] = [];
    for (const offset of offsetsMs) {
      now = secondStart + offset;
      const answer = await get(api, '/orders/count');
      expect(answer.headers['x-ratelimit-limit']).toBe('2');
      seen.push(`${answer.status} ${String(answer.headers['x-ratelimit-remaining'])}`);
    }
    return seen;
  }

  it('fixed: counts calendar seconds of its clock, so two at the end of one second and two at the start of the next pass', async () => {
    expect(await requestsAt('fixed', [900, 950, 990, 1000, 1010, 1999])).toEqual(['200 1', '200 0', '429 0', '200 1', '200 0', '429 0']);
  });

  it('sliding: counts any 1000 ms, the refused requests too', async () => {
    expect(await requestsAt('sliding', [900, 950, 1000, 1899, 1900, 1950, 2950])).toEqual([
      '200 1',
      '200 0',
      '429 0',
      '429 0',
      '429 0',
      '429 0',
      '200 1',
    ]);
  });
});

describe('the fake orders API changing orders', () => {
  let api: FakeOrdersApi;

  beforeEach(async () => {
    api = await startFakeOrdersApi({ orders: 500, seed: 5, clockOffsetMs: -30_000 });
  });
  afterEach(async () => {
    await api.stop();
  });

  it('moves a changed order after every other, with an updated_at from its own clock, and creates new ones', () => {
    const before = api.truth();

    const { updated, created } = api.mutate({ updates: ['ord_0000007'], creates: 2 });

    const after = api.truth();
    expect(updated).toEqual(['ord_0000007']);
    expect(created).toEqual(['ord_0000501', 'ord_0000502']);
    expect(after.slice(-3).map((order) => order.id)).toEqual(['ord_0000007', 'ord_0000501', 'ord_0000502']);
    expect(after[after.length - 3]!.updated_at > before[before.length - 1]!.updated_at).toBe(true);
    // The source runs 30 s behind us: its new updated_at is about our now minus 30 s, and before our now.
    expect(after[after.length - 1]!.updated_at < new Date().toISOString().replace('Z', '000Z')).toBe(true);
    expect(api.order('ord_0000502')).toMatchObject({ id: 'ord_0000502', order_number: 1502 });
  });

  it('gives every order of a bulk change one updated_at, ties ordered by id', () => {
    api.mutate({ updates: ['ord_0000300', 'ord_0000009', 'ord_0000150'], bulk: true });

    const last = api.truth().slice(-3);
    expect(last.map((order) => order.id)).toEqual(['ord_0000009', 'ord_0000150', 'ord_0000300']);
    expect(new Set(last.map((order) => order.updated_at)).size).toBe(1);
  });

  it('in live mode, changes orders in the background at the set rate until stopped', async () => {
    api.setLiveRate(500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.setLiveRate(0);
    const changes = api.stats().changes;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(changes).toBeGreaterThan(20);
    expect(api.stats().changes).toBe(changes);
    expect(api.stats().orders).toBeGreaterThan(500);
  });

  it('serves a patched order as bad data until the patch is cleared', async () => {
    api.corruptOrder('ord_0000001', { total_price: 12.5, currency: undefined });

    expect(api.order('ord_0000001')).toMatchObject({ total_price: 12.5 });
    expect(api.order('ord_0000001')).not.toHaveProperty('currency');
    api.corruptOrder('ord_0000001', null);
    expect(api.order('ord_0000001')).toMatchObject({ currency: expect.any(String) });
  });
});

describe('the fake orders API deleting orders', () => {
  let api: FakeOrdersApi;

  beforeEach(async () => {
    api = await startFakeOrdersApi({ orders: 600, seed: 21 });
  });
  afterEach(async () => {
    await api.stop();
  });

  async function walkFeed(query: string, limit: number): Promise<Array<{ id: string; deleted_at: string }>> {
    const entries: Array<{ id: string; deleted_at: string }> = [];
    let cursor: string | null = null;
    do {
      const answer = await get(api, `/orders/deleted?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      entries.push(...answer.body.deleted);
      cursor = answer.body.next_cursor;
    } while (cursor !== null);
    return entries;
  }

  it('takes a deleted order out of /orders, ?ids= and the count, and lists it in the feed with its deleted_at', async () => {
    const [first, second, third] = api.truth().map((order) => order.id);
    const { deletedAt } = api.deleteOrders([third!, first!]);

    expect(api.truth()).toHaveLength(598);
    expect((await get(api, '/orders/count')).body).toEqual({ count: 598 });
    const byIds = await get(api, `/orders?ids=${first},${second},${third},ord_9999999`);
    expect(byIds.body.orders.map((order: { id: string }) => order.id)).toEqual([second]);
    expect(byIds.body.next_cursor).toBeNull();
    expect(await walkFeed('', 250)).toEqual([first, third].sort().map((id) => ({ id, deleted_at: deletedAt })));
    expect(api.order(first!)).toBeUndefined();
    expect(() => api.mutate({ updates: [first!] })).toThrow(/was deleted/);
  });

  it('pages the feed by (deleted_at, id) within deleted_at_min (inclusive) and deleted_at_max (exclusive)', async () => {
    const ids = api.truth().map((order) => order.id);
    const stamps = [0, 1, 2, 3].map((batch) => api.deleteOrders(ids.slice(batch * 5, batch * 5 + 5)).deletedAt);

    const all = await walkFeed('', 3);
    expect(all).toHaveLength(20);
    expect(all.map((entry) => `${entry.deleted_at} ${entry.id}`)).toEqual(all.map((entry) => `${entry.deleted_at} ${entry.id}`).sort());
    const window = await walkFeed(`&deleted_at_min=${encodeURIComponent(stamps[1]!)}&deleted_at_max=${encodeURIComponent(stamps[3]!)}`, 4);
    expect(window.map((entry) => entry.id)).toEqual(ids.slice(5, 15).sort());
  });

  it('refuses a feed cursor sent with other filters, and an /orders cursor on the feed', async () => {
    api.deleteOrders(
      api
        .truth()
        .map((order) => order.id)
        .slice(0, 4),
    );
    const first = await get(api, '/orders/deleted?limit=2');
    const otherFilters = await get(api, `/orders/deleted?limit=2&deleted_at_min=2020-01-01T00:00:00Z&cursor=${first.body.next_cursor}`);
    expect(otherFilters.status).toBe(400);
    expect(otherFilters.body.error.code).toBe('invalid_parameter');
    const ordersCursor = (await get(api, '/orders?limit=2')).body.next_cursor;
    expect((await get(api, `/orders/deleted?limit=2&cursor=${ordersCursor}`)).status).toBe(400);
  });

  it('drops feed entries past its retention, and the orders stay deleted', async () => {
    const ids = api.truth().map((order) => order.id);
    api.deleteOrders(ids.slice(0, 3));
    const { deletedAt } = api.deleteOrders(ids.slice(3, 5));
    expect(api.dropDeletionsBefore(deletedAt)).toBe(3);
    expect((await walkFeed('', 250)).map((entry) => entry.id)).toEqual(ids.slice(3, 5).sort());
    expect(api.deletions()).toHaveLength(5);
    expect((await get(api, `/orders?ids=${ids[0]}`)).body.orders).toEqual([]);
  });

  it.each([
    ['no id', 'ids='],
    ['an empty id', 'ids=ord_0000001,,ord_0000002'],
    ['251 ids', `ids=${Array.from({ length: 251 }, (_, index) => `ord_${String(index + 1).padStart(7, '0')}`).join(',')}`],
    ['another parameter', 'ids=ord_0000001&limit=10'],
  ])('answers ?ids= with %s 400 invalid_parameter', async (_, query) => {
    const answer = await get(api, `/orders?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_parameter');
  });

  it('in live mode, deletes a share of the orders it changes', async () => {
    api.setLiveDeletionShare(0.5);
    api.setLiveRate(500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    api.setLiveRate(0);
    const deleted = api.deletions();
    expect(deleted.length).toBeGreaterThan(10);
    expect(api.truth().length).toBe(api.stats().orders - deleted.length);
    expect((await walkFeed('', 250)).map((entry) => entry.id)).toEqual(deleted.map((entry) => entry.id));
  });
});

describe('the fake as an object', () => {
  it('has no address before start(), serves the same shop between start() and stop(), and nothing after', async () => {
    const fake = new FakeOrdersApi({ orders: 12, seed: 4 });
    expect(() => fake.url).toThrow('the fake orders API is not started: call start() first');
    // Its controls work before it listens: the shop is there from construction.
    fake.deleteOrders([fake.truth()[0]!.id]);

    await fake.start();
    const url = fake.url;
    try {
      await expect(fake.start()).rejects.toThrow('the fake orders API is already started');
      expect((await get(fake, '/orders/count')).body).toEqual({ count: 11 });
    } finally {
      await fake.stop();
    }

    expect(() => fake.url).toThrow('not started');
    await expect(request(`${url}/orders/count`)).rejects.toThrow();
  });
});
