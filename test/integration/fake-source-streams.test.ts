// The fake source API's products and customers streams serve docs/source-contract.md as its orders do, over real HTTP
// on loopback: paging, cursors, filters, counts, ?ids=, deletion feeds, live changes, errors, realistic records that
// orders refer to, and one rate budget for every request of the token whatever its stream.
import { request } from 'undici';
import type { StreamModel } from '../../functions/core/stream';
import { CUSTOMERS } from '../../functions/core/streams/customers/validate-customer';
import { PRODUCTS } from '../../functions/core/streams/products/validate-product';
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

/** Every raw record of the stream's window, following next_cursor, with the pages' sizes. */
async function walk(api: FakeOrdersApi, path: string, query: string, limit: number): Promise<{ records: any[]; pageSizes: number[] }> {
  const records: any[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const answer = await get(api, `${path}?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    const page = answer.body[path.slice(1)] as any[];
    records.push(...page);
    pageSizes.push(page.length);
    cursor = answer.body.next_cursor;
  } while (cursor !== null);
  return { records, pageSizes };
}

async function walkFeed(api: FakeOrdersApi, path: string, query = ''): Promise<Array<{ id: string; deleted_at: string }>> {
  const entries: Array<{ id: string; deleted_at: string }> = [];
  let cursor: string | null = null;
  do {
    const answer = await get(api, `${path}/deleted?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    entries.push(...answer.body.deleted);
    cursor = answer.body.next_cursor;
  } while (cursor !== null);
  return entries;
}

const HISTORY_ENDS_AT_MS = Date.UTC(2026, 10, 1, 12, 0, 0);
const STREAMS: Array<[string, StreamModel<any>, number]> = [
  ['products', PRODUCTS, 400],
  ['customers', CUSTOMERS, 700],
];

describe.each(STREAMS)('the fake source API serving %s', (stream, model, size) => {
  const path = `/${stream}`;
  let api: FakeOrdersApi;

  beforeEach(async () => {
    api = await startFakeOrdersApi({ orders: 200, products: 400, customers: 700, seed: 17, historyEndsAtMs: HISTORY_ENDS_AT_MS });
  });
  afterEach(async () => {
    await api.stop();
  });

  it('pages through every record once, sorted by (updated_at, id) as instants, valid by the contract, ending with a null cursor', async () => {
    const { records, pageSizes } = await walk(api, path, '', 100);

    const valid = records.map((raw) => model.validate(raw));
    const keys = valid.map((record) => `${record.updatedAt} ${record.id}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(valid.map((record) => record.id)).size).toBe(size);
    expect(pageSizes).toEqual(Array(size / 100).fill(100));
    expect(valid.map((record) => ({ id: record.id, updated_at: record.updatedAt }))).toEqual(api.stream(model.name).truth());
    expect(valid[0]!.raw).toEqual(api.stream(model.name).record(valid[0]!.id));
  });

  it('filters by updated_at_min (inclusive) and updated_at_max (exclusive), and counts the same window', async () => {
    const truth = api.stream(model.name).truth();
    const from = truth[100]!.updated_at;
    const to = truth[300]!.updated_at;
    const query = `&updated_at_min=${encodeURIComponent(from)}&updated_at_max=${encodeURIComponent(to)}`;

    const { records } = await walk(api, path, query, 50);
    const count = await get(api, `${path}/count?${query.slice(1)}`);

    const expected = truth.filter((record) => record.updated_at >= from && record.updated_at < to);
    expect(records.map((raw) => raw.id)).toEqual(expected.map((record) => record.id));
    expect(count.body).toEqual({ count: expected.length });
  });

  it("refuses a cursor sent with other filters, to another stream's route, or to its own deletion feed", async () => {
    const first = await get(api, `${path}?limit=10`);
    const ordersCursor = (await get(api, '/orders?limit=10')).body.next_cursor;

    const moved = await get(api, `${path}?limit=10&updated_at_max=2026-01-01T00:00:00Z&cursor=${first.body.next_cursor}`);
    const toOrders = await get(api, `/orders?limit=10&cursor=${first.body.next_cursor}`);
    const fromOrders = await get(api, `${path}?limit=10&cursor=${ordersCursor}`);
    const toFeed = await get(api, `${path}/deleted?limit=10&cursor=${first.body.next_cursor}`);

    for (const answer of [moved, toOrders, fromOrders, toFeed]) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('invalid_parameter');
    }
    expect(moved.body.error.message).toMatch(/cursor was issued for other filters/);
  });

  it.each([
    ['limit 0', 'limit=0', /limit must be an integer in 1..250/],
    ['an unknown parameter', 'since=2025-01-01T00:00:00Z', /unknown parameter "since"/],
    ['a timestamp on February 30', 'updated_at_min=2025-02-30T00:00:00Z', /has day 30/],
    ['no id', 'ids=', /ids must be a comma-separated list/],
    ['ids and a limit', 'ids=a&limit=10', /ids takes no other parameter/],
    ['251 ids', `ids=${Array.from({ length: 251 }, (_, i) => `x_${i}`).join(',')}`, /ids takes 1..250 \w+ ids, got 251/],
  ])('answers %s with 400 invalid_parameter and a message', async (_what, query, message) => {
    const answer = await get(api, `${path}?${query}`);

    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_parameter');
    expect(answer.body.error.message).toMatch(message);
  });

  it('takes a deleted record out of the pages, ?ids= and the count, and lists it in its own feed only', async () => {
    const controls = api.stream(model.name);
    const [first, second, third] = controls.truth().map((record) => record.id);

    const { deletedAt } = controls.delete([third!, first!]);

    expect(controls.truth()).toHaveLength(size - 2);
    expect((await get(api, `${path}/count`)).body).toEqual({ count: size - 2 });
    const byIds = await get(api, `${path}?ids=${first},${second},${third},ord_0000001`);
    expect(byIds.body[stream].map((record: { id: string }) => record.id)).toEqual([second]);
    expect(byIds.body.next_cursor).toBeNull();
    expect(await walkFeed(api, path)).toEqual([first, third].sort().map((id) => ({ id, deleted_at: deletedAt })));
    expect(await walkFeed(api, '/orders')).toEqual([]);
    expect(controls.record(first!)).toBeUndefined();
    expect(() => controls.mutate({ updates: [first!] })).toThrow(/was deleted/);
  });

  it('pages its feed within deleted_at bounds, and drops entries past its retention', async () => {
    const controls = api.stream(model.name);
    const ids = controls.truth().map((record) => record.id);
    const stamps = [0, 1, 2].map((batch) => controls.delete(ids.slice(batch * 4, batch * 4 + 4)).deletedAt);

    const window = await walkFeed(
      api,
      path,
      `&deleted_at_min=${encodeURIComponent(stamps[1]!)}&deleted_at_max=${encodeURIComponent(stamps[2]!)}`,
    );
    expect(window.map((entry) => entry.id)).toEqual(ids.slice(4, 8).sort());
    expect(controls.dropDeletionsBefore(stamps[2]!)).toBe(8);
    expect((await walkFeed(api, path)).map((entry) => entry.id)).toEqual(ids.slice(8, 12).sort());
    expect(controls.deletions()).toHaveLength(12);
  });

  it('moves a changed record after every other, creates new ones, and serves bad data on demand', async () => {
    const controls = api.stream(model.name);
    const [oldest] = controls.truth().map((record) => record.id);

    const { updated, created } = controls.mutate({ updates: [oldest!], creates: 2, bulk: true });
    controls.corrupt(created[0]!, { tags: 'not-a-list' });

    expect(created).toHaveLength(2);
    expect(
      controls
        .truth()
        .slice(-3)
        .map((record) => record.id),
    ).toEqual([...updated, ...created].sort());
    const page = await get(api, `${path}?ids=${created.join(',')}`);
    const [broken, sound] = [created[0], created[1]].map((id) => page.body[stream].find((raw: any) => raw.id === id));
    expect(() => model.validate(broken)).toThrow(/field "tags" must be an array/);
    expect(model.validate(sound).id).toBe(created[1]);
  });

  it('in live mode, changes and deletes its records in the background and leaves the other streams alone', async () => {
    const controls = api.stream(model.name);
    const ordersBefore = api.truth();
    controls.setLiveDeletionShare(0.4);
    controls.setLiveRate(500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    controls.setLiveRate(0);

    const stats = api.stats().streams[model.name];
    expect(stats.changes).toBeGreaterThan(20);
    expect(controls.deletions().length).toBeGreaterThan(5);
    expect(controls.truth()).toHaveLength(stats.records - stats.deleted);
    expect((await walkFeed(api, path)).map((entry) => entry.id)).toEqual(controls.deletions().map((entry) => entry.id));
    expect(api.truth()).toEqual(ordersBefore);
    expect(api.stats().streams.orders.changes).toBe(0);
  });

  it('answers scripted faults on its pages as on the orders pages', async () => {
    api.script('wrong-shape', 'empty', 'not-json');

    expect((await get(api, path)).body).toEqual({ data: { [stream]: [] }, next: null });
    const empty = await get(api, path);
    expect(empty.body[stream]).toEqual([]);
    expect(empty.body.next_cursor).toEqual(expect.any(String));
    expect((await get(api, path)).headers['content-type']).toBe('text/html');
    expect((await get(api, `${path}/count`, { token: 'wrong' })).status).toBe(401);
  });
});

describe('the fake source API across its streams', () => {
  let api: FakeOrdersApi;

  beforeAll(async () => {
    api = await startFakeOrdersApi({ orders: 1500, products: 120, customers: 250, seed: 23, historyEndsAtMs: HISTORY_ENDS_AT_MS });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('serves orders whose line items name seeded products and variants, and whose buyers are seeded customers', () => {
    const products = new Map(
      api
        .stream('products')
        .truth()
        .map(({ id }) => [id, PRODUCTS.validate(api.stream('products').record(id))]),
    );
    const customers = new Set(
      api
        .stream('customers')
        .truth()
        .map(({ id }) => id),
    );
    const orders = api.truth().map(({ id }) => api.order(id) as any);

    const items = orders.flatMap((order) => order.line_items);
    const named = items.filter((item) => item.product_id !== null);
    expect(named.length).toBeGreaterThan(items.length * 0.8);
    expect(items.some((item) => item.product_id === null && item.variant_id === null)).toBe(true);
    const unmatched = named.filter((item) => {
      const variant = products.get(item.product_id)?.variants.find(({ id }) => id === item.variant_id);
      return variant === undefined || variant.sku !== item.sku;
    });
    expect(unmatched).toEqual([]);
    const buyers = orders.filter((order) => order.customer !== null).map((order) => order.customer.id);
    expect(buyers.every((id) => customers.has(id))).toBe(true);
    expect(new Set(buyers).size).toBeGreaterThan(200);
  });

  it('serves realistic products and customers: many variants, untracked and oversold stock, every state, nulls, unicode, unknown fields', () => {
    const products = api
      .stream('products')
      .truth()
      .map(({ id }) => api.stream('products').record(id) as any);
    const customers = api
      .stream('customers')
      .truth()
      .map(({ id }) => api.stream('customers').record(id) as any);
    const variants = products.flatMap((product) => product.variants);

    expect(Math.max(...products.map((product) => product.variants.length))).toBeGreaterThanOrEqual(6);
    expect(products.some((product) => product.variants.length === 1)).toBe(true);
    expect(variants.some((variant) => variant.inventory_quantity === null)).toBe(true);
    expect(variants.some((variant) => variant.inventory_quantity < 0)).toBe(true);
    expect(variants.some((variant) => variant.sku === null)).toBe(true);
    expect(new Set(products.map((product) => product.status))).toEqual(new Set(['active', 'draft', 'archived']));
    expect(products.some((product) => product.vendor === null)).toBe(true);
    expect(products.some((product) => 'handle' in product)).toBe(true);
    expect(new Set(customers.map((customer) => customer.state))).toEqual(new Set(['enabled', 'disabled', 'invited', 'declined']));
    expect(customers.some((customer) => customer.email === null)).toBe(true);
    expect(customers.some((customer) => customer.currency === 'JPY' && !customer.total_spent.includes('.'))).toBe(true);
    // eslint-disable-next-line no-control-regex -- the range starts at NUL on purpose: any non-ASCII character
    expect(customers.some((customer) => /[^\u0000-\u007f]/.test(`${customer.first_name}${customer.last_name}`))).toBe(true);
    expect(customers.some((customer) => 'phone' in customer || 'default_address' in customer)).toBe(true);
  });

  it('answers an unknown route with 404 naming every stream route', async () => {
    const answer = await get(api, '/variants');

    expect(answer.status).toBe(404);
    expect(answer.body.error.message).toMatch(/\/orders, .*\/products\/count, .*\/customers\/deleted/);
  });

  it('serves the same products and customers for the same seed, and others for another seed', () => {
    const twin = new FakeOrdersApi({ orders: 1500, products: 120, customers: 250, seed: 23, historyEndsAtMs: HISTORY_ENDS_AT_MS });
    const other = new FakeOrdersApi({ orders: 1500, products: 120, customers: 250, seed: 24, historyEndsAtMs: HISTORY_ENDS_AT_MS });

    for (const stream of ['products', 'customers'] as const) {
      const id = api.stream(stream).truth()[7]!.id;
      expect(twin.stream(stream).truth()).toEqual(api.stream(stream).truth());
      expect(twin.stream(stream).record(id)).toEqual(api.stream(stream).record(id));
      expect(other.stream(stream).truth()).not.toEqual(api.stream(stream).truth());
    }
    expect(api.stream('products').truth()).not.toEqual(api.stream('customers').truth());
  });
});

describe('the fake source API started with live changes of one stream', () => {
  it('changes and deletes that stream from start() until stop(), and no other', async () => {
    const api = await startFakeOrdersApi({
      orders: 20,
      products: 20,
      customers: 50,
      seed: 8,
      liveByStream: { customers: { rate: 400, deletionShare: 0.5 } },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      await api.stop();
    }
    const { streams } = api.stats();
    const changed = streams.customers.changes;
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(changed).toBeGreaterThan(20);
    expect(streams.customers.deleted).toBeGreaterThan(5);
    expect(api.stats().streams.customers.changes).toBe(changed);
    expect([streams.orders.changes, streams.products.changes, streams.products.deleted]).toEqual([0, 0, 0]);
  });
});

describe('the fake source API rate budget, one for every stream of the token', () => {
  it('counts every request whatever its stream or route, and reports the 429s of all of them', async () => {
    const secondStart = Date.UTC(2026, 10, 20, 9, 0, 0);
    let now = secondStart;
    const api = await startFakeOrdersApi({
      orders: 10,
      products: 5,
      customers: 5,
      seed: 3,
      clock: () => now,
      faults: { rateLimitPerSecond: 2 },
    });
    try {
      const seen: string[] = [];
      for (const [offset, path] of [
        [100, '/orders'],
        [200, '/products'],
        [300, '/customers/count'],
        [400, '/products/deleted'],
        [1100, '/customers'],
        [1200, '/products?ids=prod_0000001'],
        [1300, '/orders/count'],
      ] as const) {
        now = secondStart + offset;
        const answer = await get(api, path);
        seen.push(`${path} ${answer.status} ${String(answer.headers['x-ratelimit-remaining'])}`);
        if (answer.status === 429) expect(answer.headers['retry-after']).toBe('1');
      }

      expect(seen).toEqual([
        '/orders 200 1',
        '/products 200 0',
        '/customers/count 429 0',
        '/products/deleted 429 0',
        '/customers 200 1',
        '/products?ids=prod_0000001 200 0',
        '/orders/count 429 0',
      ]);
      const stats = api.stats();
      expect(stats.throttled).toBe(3);
      expect(stats.byRoute['/customers/count']).toEqual({ '429': 1 });
      expect(stats.byRoute['/products/deleted']).toEqual({ '429': 1 });
      expect(stats.byRoute['/orders/count']).toEqual({ '429': 1 });
    } finally {
      await api.stop();
    }
  });
});
