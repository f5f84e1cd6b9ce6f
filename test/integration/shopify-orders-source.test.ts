// The Shopify connector against the fake GraphQL Admin API over loopback: whole windows, the search filter on
// the wire, queries under the cost limit, nested line-item paging, guest orders, cost pacing and THROTTLED,
// transient faults retried, and auth/scope failures that say what to fix.
import { ShopifyOrdersSource, type ShopifyOrdersSourceOptions } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { MAX_SINGLE_QUERY_COST } from '../../functions/adapters/source/shopify/queries';
import { ConfigError, SourceAuthError, SourceThrottledError, SourceUnavailableError } from '../../functions/core/errors';
import type { Window } from '../../functions/core/run-types';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { referenceIdOf } from '../../local/fakes/shopify/translate';
import { walkWindow } from '../support/fake-api-walk';

const sources: ShopifyOrdersSource[] = [];
let fake: FakeShopify;
let everything: Window;

function sourceFor(options: Partial<ShopifyOrdersSourceOptions> = {}, on: FakeShopify = fake): ShopifyOrdersSource {
  const source = new ShopifyOrdersSource({
    shopDomain: on.url,
    apiVersion: '2025-10',
    token: on.token,
    backoff: { baseMs: 1, capMs: 5 },
    timeoutMs: 2_000,
    ...options,
  });
  sources.push(source);
  return source;
}

function operations(since: number, on: FakeShopify = fake): string[] {
  return on
    .calls()
    .slice(since)
    .map((call) => `${call.operation} ${call.outcome}`);
}

beforeAll(async () => {
  // A bucket far larger than any plan's: pacing has its own tests below, on a clock that only moves when asked.
  fake = await startFakeShopify({ shop: { orders: 600, seed: 21 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 } });
  everything = { from: null, to: fake.shop.now() };
});
afterEach(() => {
  fake.resetFaults();
  fake.setScopes(['read_orders', 'read_all_orders']);
});
afterAll(async () => {
  await Promise.all(sources.map((source) => source.close()));
  await fake.stop();
});

describe('the Shopify connector, on a healthy shop', () => {
  it('walks a window to its end and returns every order mapped, validated and whole, in updated_at order', async () => {
    const walk = await walkWindow(sourceFor(), everything, 100);

    expect(walk.orders.map((order) => ({ id: order.id, updated_at: order.updatedAt }))).toEqual(fake.truth(everything));
    for (const order of walk.orders) expect(order.raw).toEqual(fake.order(order.id));
    const sample = walk.orders.find((order) => order.customer !== null && order.status === 'open')!;
    const reference = fake.shop.order(referenceIdOf(sample.id)!)!;
    expect(sample).toMatchObject({
      orderNumber: reference.order_number,
      financialStatus: reference.financial_status,
      fulfillmentStatus: reference.fulfillment_status,
      currency: reference.currency,
      totalPrice: reference.total_price,
      subtotalPrice: reference.subtotal_price,
      totalTax: reference.total_tax,
    });
    expect(sample.lineItems.map((item) => item.price)).toEqual(
      (reference.line_items as Array<{ price: string }>).map((item) => item.price),
    );
    expect(walk.stats.throttled).toBe(0);
  });

  it('sends the window as the documented search filter, sorted by UPDATED_AT, and keeps it for the whole walk', async () => {
    const truth = fake.truth();
    const window = { from: truth[100]!.updated_at, to: truth[300]!.updated_at };
    const since = fake.calls().length;

    const walk = await walkWindow(sourceFor(), window, 50);

    const pages = fake
      .calls()
      .slice(since)
      .filter((call) => call.operation === 'OrdersPage');
    const filters = new Set(pages.map((call) => call.variables.query));
    expect([...filters]).toEqual([
      `updated_at:>='${window.from.replace(/\.?0+Z$/, 'Z')}' AND updated_at:<'${window.to.replace(/\.?0+Z$/, 'Z')}'`,
    ]);
    expect(walk.orders.map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
    expect(walk.orders[0]!.updatedAt).toBe(window.from);
  });

  it('keeps every query under the single-query cost limit: a 250-order page is several requests', async () => {
    const since = fake.calls().length;

    const page = await sourceFor().fetchPage({ window: everything, cursor: null, limit: 250 });

    const pageCalls = fake
      .calls()
      .slice(since)
      .filter((call) => call.operation === 'OrdersPage');
    expect(page.records).toHaveLength(250);
    expect(page.nextCursor).not.toBeNull();
    expect(pageCalls.length).toBeGreaterThan(1);
    expect(pageCalls.every((call) => call.requestedQueryCost! <= MAX_SINGLE_QUERY_COST && call.outcome === '200')).toBe(true);
  });

  it('completes orders with more line items than one page by follow-up queries, across several pages each', async () => {
    const since = fake.calls().length;

    const walk = await walkWindow(sourceFor({ lineItemsPerOrder: 2, lineItemsPerRequest: 3 }), everything, 100);

    for (const order of walk.orders) {
      const reference = fake.shop.order(referenceIdOf(order.id)!)!;
      expect(order.lineItems.map((item) => item.title)).toEqual(
        (reference.line_items as Array<{ title: string }>).map((item) => item.title),
      );
    }
    const followUps = fake
      .calls()
      .slice(since)
      .filter((call) => call.operation === 'OrderConnections');
    const perOrder = new Map<unknown, number>();
    for (const call of followUps) perOrder.set(call.variables.id, (perOrder.get(call.variables.id) ?? 0) + 1);
    expect(Math.max(...perOrder.values())).toBeGreaterThan(1);
    expect(walk.orders.some((order) => order.lineItems.length > 100)).toBe(true);
  });

  it('reads an order again from its start when it changes within its second between the page query and a follow-up', async () => {
    const source = sourceFor({ lineItemsPerOrder: 2, lineItemsPerRequest: 3 });
    const firstFive = fake.truth(everything).slice(0, 5);
    const target = firstFive.find(({ id }) => (fake.order(id)!.lineItems as { nodes: unknown[] }).nodes.length > 2)!;
    expect(target).toBeDefined();
    const referenceId = referenceIdOf(target.id)!;
    const [whole, fraction] = String(fake.shop.order(referenceId)!.total_price).split('.');
    const revisedTotal = `${Number(whole) + 1000}.${fraction}`;
    // The shop changes the order right after answering the page query: same updatedAt, another total.
    const graphql = source.graphql.bind(source);
    let revised = false;
    source.graphql = async (...args) => {
      const data = await graphql(...args);
      if (args[0] === 'OrdersPage' && !revised) {
        revised = true;
        fake.shop.reviseInSameSecond(referenceId, { total_price: revisedTotal });
      }
      return data;
    };
    const since = fake.calls().length;

    try {
      const page = await source.fetchPage({ window: everything, cursor: null, limit: 5 });

      const order = page.records.find(({ id }) => id === target.id)!;
      expect(order).toMatchObject({ updatedAt: target.updated_at, totalPrice: revisedTotal });
      expect(order.raw).toEqual(fake.order(target.id));
      const reads = fake
        .calls()
        .slice(since)
        .filter(
          (call) => call.operation === 'OrderConnections' && call.variables.id === target.id && call.variables.lineItemsAfter === null,
        );
      expect(reads).toHaveLength(1);
    } finally {
      fake.shop.corruptOrder(referenceId, null);
    }
  });

  it('maps an order without a customer (guest checkout) to customer null', async () => {
    const walk = await walkWindow(sourceFor(), everything, 250);
    const guest = walk.orders.find((order) => fake.shop.order(referenceIdOf(order.id)!)!.customer === null)!;

    expect(guest).toBeDefined();
    expect(guest.customer).toBeNull();
    expect(guest.raw.customer).toBeNull();
  });

  it('counts the orders of a window', async () => {
    const window = { from: fake.truth()[42]!.updated_at, to: everything.to };

    await expect(sourceFor().count(window)).resolves.toBe(fake.truth(window).length);
  });

  it("reads the shop's own time zone in one request of the documented cost, spelt canonically", async () => {
    fake.setTimeZone('america/los_angeles');
    try {
      const since = fake.calls().length;
      await expect(sourceFor().timeZone()).resolves.toBe('America/Los_Angeles');
      const calls = fake.calls().slice(since);
      expect(calls.map((call) => [call.operation, call.requestedQueryCost, call.outcome])).toEqual([['ShopTimeZone', 1, '200']]);
    } finally {
      fake.setTimeZone('UTC');
    }
  });

  it('refuses a shop zone that is not an IANA name, saying to set SHOP_TIME_ZONE', async () => {
    fake.setTimeZone('GMT+01:00');
    try {
      await expect(sourceFor().timeZone()).rejects.toThrow(/ianaTimezone "GMT\+01:00".*set SHOP_TIME_ZONE/);
    } finally {
      fake.setTimeZone('UTC');
    }
  });
});

describe('the Shopify connector, through faults', () => {
  it('retries 5xx answers, dropped connections and INTERNAL_SERVER_ERROR, and still returns the page', async () => {
    const source = sourceFor();
    await source.fetchPage({ window: everything, cursor: null, limit: 5 });
    fake.script(503, 'drop', 'internal-error', 502);

    const page = await source.fetchPage({ window: everything, cursor: null, limit: 5 });

    expect(page.records.map((order) => order.id)).toEqual(
      fake
        .truth(everything)
        .slice(0, 5)
        .map((order) => order.id),
    );
    expect(page.stats).toMatchObject({ requests: 5, retried: 4, throttled: 0 });
  });

  it('walks every order while a share of requests fail or drop', async () => {
    fake.setFaults({ errorRate: 0.2, dropRate: 0.1 });

    const walk = await walkWindow(sourceFor({ maxAttempts: 10 }), everything, 100);

    expect(walk.orders.map((order) => order.id)).toEqual(fake.truth(everything).map((order) => order.id));
    expect(walk.stats.retried).toBeGreaterThan(0);
  });

  it('retries a request that never gets an answer', async () => {
    const source = sourceFor({ timeoutMs: 500 });
    await source.fetchPage({ window: everything, cursor: null, limit: 5 });
    fake.script('hang');

    const page = await source.fetchPage({ window: everything, cursor: null, limit: 5 });

    expect(page.records).toHaveLength(5);
    expect(page.stats).toMatchObject({ requests: 2, retried: 1 });
  });

  it('raises SourceUnavailableError once the 5xx answers outlast its attempts', async () => {
    const source = sourceFor({ maxAttempts: 3 });
    await source.fetchPage({ window: everything, cursor: null, limit: 5 });
    fake.script(500, 503, 504);

    const error = (await source
      .fetchPage({ window: everything, cursor: null, limit: 5 })
      .catch((e: unknown) => e)) as SourceUnavailableError;

    expect(error).toBeInstanceOf(SourceUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Shopify failed 3 times in a row \(last: HTTP 504: .*Internal Server Error.*\): POST .*\(OrdersPage\)$/);
  });
});

describe('the Shopify connector and the cost bucket, on a clock that moves only when the connector sleeps', () => {
  let limited: FakeShopify;
  let now: number;
  let waits: number[];
  const limitedSource = (options: Partial<ShopifyOrdersSourceOptions> = {}): ShopifyOrdersSource =>
    sourceFor(
      {
        clock: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
        ...options,
      },
      limited,
    );

  beforeEach(async () => {
    now = Date.UTC(2026, 10, 20, 9, 0, 0, 0);
    waits = [];
    limited = await startFakeShopify({
      shop: { orders: 300, seed: 4 },
      clock: () => now,
      bucket: { maximumAvailable: 1000, restoreRate: 50 },
    });
  });
  afterEach(async () => {
    await limited.stop();
  });

  it('slows down when the bucket is nearly empty, so it is never throttled', async () => {
    limited.setBucket({ currentlyAvailable: 20 });

    const walk = await walkWindow(limitedSource(), { from: null, to: limited.shop.now() }, 100);

    expect(walk.orders).toHaveLength(300);
    expect(walk.stats.throttled).toBe(0);
    expect(limited.calls().every((call) => call.outcome === '200')).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
    // The first wait is what the restore rate needs to refill the bucket from 18 points to one page query's cost.
    const pageCost = limited.calls().find((call) => call.operation === 'OrdersPage')!.requestedQueryCost!;
    expect(waits[0]).toBe(Math.ceil(((pageCost - 18) / 50) * 1000));
  });

  it('ends a page at its time budget with what it has and a cursor, so a slow budget never outlasts the page step', async () => {
    // A Standard plan's pace: a 250-order page is many requests, each waiting seconds for the bucket.
    limited.setBucket({ currentlyAvailable: 0, restoreRate: 100 });
    const source = limitedSource({ maxPageMs: 20_000 });
    const window = { from: null, to: limited.shop.now() };

    const first = await source.fetchPage({ window, cursor: null, limit: 250 });
    const walk = await walkWindow(source, window, 250);

    expect(first.records.length).toBeGreaterThan(0);
    expect(first.records.length).toBeLessThan(250);
    expect(first.nextCursor).not.toBeNull();
    // No page spent much more than its budget waiting: the budget is checked before each request's own wait.
    expect(Math.max(...waits)).toBeLessThan(20_000);
    expect(walk.orders).toHaveLength(300);
  });

  it('waits after a THROTTLED answer as long as the restore rate implies, then gets the page', async () => {
    const source = limitedSource();
    await source.fetchPage({ window: { from: null, to: limited.shop.now() }, cursor: null, limit: 2 });
    limited.setBucket({ currentlyAvailable: 10 }); // another app call drained it
    const since = limited.calls().length;
    waits = [];

    const page = await source.fetchPage({ window: { from: null, to: limited.shop.now() }, cursor: null, limit: 2 });

    expect(page.records).toHaveLength(2);
    expect(page.stats).toMatchObject({ requests: 2, throttled: 1, retried: 0 });
    expect(operations(since, limited)).toEqual(['OrdersPage THROTTLED', 'OrdersPage 200']);
    const requested = limited.calls()[since]!.requestedQueryCost!;
    expect(waits).toEqual([Math.ceil(((requested - 10) / 50) * 1000)]);
  });

  it('raises SourceThrottledError when the wait would outlast its throttle budget', async () => {
    const source = limitedSource({ maxThrottleWaitMs: 1_000 });
    await source.fetchPage({ window: { from: null, to: limited.shop.now() }, cursor: null, limit: 2 });
    limited.setBucket({ currentlyAvailable: 0, restoreRate: 1 });

    const error = (await source
      .fetchPage({ window: { from: null, to: limited.shop.now() }, cursor: null, limit: 2 })
      .catch((e: unknown) => e)) as SourceThrottledError;

    expect(error).toBeInstanceOf(SourceThrottledError);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/still throttling \(THROTTLED: needs \d+ points, 0 available\)/);
  });
});

describe('the Shopify connector, failing with named errors', () => {
  it('raises SourceAuthError on a refused token, saying what to check and never printing the token', async () => {
    const secret = 'shpat_do-not-print-me-0123456789';

    const error = (await sourceFor({ token: async () => secret })
      .fetchPage({ window: everything, cursor: null, limit: 5 })
      .catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(SourceAuthError);
    expect(error.message).toMatch(/Shopify refused the access token \(401\): check the Shopify Admin API access token/);
    expect(`${error.message}${String(error.stack)}`).not.toContain(secret);
  });

  it('refuses to walk without read_all_orders: Shopify would hide orders older than 60 days without a word', async () => {
    fake.setScopes(['read_orders']);

    const error = (await sourceFor()
      .fetchPage({ window: everything, cursor: null, limit: 5 })
      .catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(SourceAuthError);
    expect(error.message).toMatch(
      /lacks the read_all_orders scope: without it Shopify silently hides orders created more than 60 days ago/,
    );
  });

  it('names read_orders when the token cannot read orders at all', async () => {
    fake.setScopes([]);

    await expect(sourceFor().count(everything)).rejects.toThrow(/lacks the read_orders scope, needed to read orders at all/);
  });

  it('turns an ACCESS_DENIED GraphQL error into SourceAuthError naming the required access', async () => {
    const source = sourceFor();
    await source.fetchPage({ window: everything, cursor: null, limit: 5 });
    fake.script('access-denied');

    const error = (await source.fetchPage({ window: everything, cursor: null, limit: 5 }).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(SourceAuthError);
    expect(error.message).toMatch(/ACCESS_DENIED: Access denied for orders field.*required: `read_orders` access scope/);
  });

  it('refuses a bad shop domain or API version at construction', () => {
    expect(() => sourceFor({ shopDomain: 'https://my-shop.myshopify.com/admin' })).not.toThrow();
    expect(() => sourceFor({ shopDomain: 'my shop' })).toThrow(ConfigError);
    expect(() => sourceFor({ shopDomain: 'http://my-shop.myshopify.com' })).toThrow(/plain http only on loopback/);
    expect(() => sourceFor({ apiVersion: '2025-11' })).toThrow(/SHOPIFY_API_VERSION must be/);
  });

  it("returns a node the mapping cannot take as the page's rejected one, naming the Shopify field, the node kept", async () => {
    const victim = fake.truth(everything)[3]!.id;
    // (An unknown financial status reads as null in Shopify's schema, which is valid: a broken timestamp is not.)
    fake.shop.corruptOrder(referenceIdOf(victim)!, { created_at: 'yesterday-ish' });
    try {
      const page = await sourceFor().fetchPage({ window: everything, cursor: null, limit: 10 });

      expect(page.records.map((order) => order.id)).not.toContain(victim);
      expect(page.records.length + page.rejected.length).toBe(10);
      expect(page.rejected).toEqual([
        expect.objectContaining({
          id: victim,
          field: 'createdAt',
          position: 3,
          raw: expect.objectContaining({ id: victim, createdAt: 'yesterday-ish' }),
        }),
      ]);
    } finally {
      fake.shop.corruptOrder(referenceIdOf(victim)!, null);
    }
  });
});
