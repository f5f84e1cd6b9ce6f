// The products and customers streams on Shopify, against the fake Shopify over loopback: a full window through one bulk
// export, an incremental window paged (a product's variants read to their end), changes and deletions while a walk
// runs, deletions found by the product destroy events or (customers) by existence checks, a node the mapping refuses
// set aside, a missing scope named; and a products export started beside an orders export taking turns for the one
// bulk slot Shopify allows before 2026-01, both finishing exact.
import { ShopifyOrdersSource } from '../../functions/adapters/source/shopify/shopify-orders-source';
import { ShopifyBulkExport } from '../../functions/adapters/source/shopify/bulk-export';
import { decodeBulkPlace, ShopifySource } from '../../functions/adapters/source/shopify/shopify-source';
import { SHOPIFY_STREAMS, shopifyStreamSource } from '../../functions/adapters/source/shopify/streams';
import type { ShopifyPagedSource } from '../../functions/adapters/source/shopify/shopify-paged-source';
import { SourceAuthError } from '../../functions/core/errors';
import type { SourcePage } from '../../functions/core/ports';
import type { SyncRecord } from '../../functions/core/record';
import type { Window } from '../../functions/core/run-types';
import type { Customer } from '../../functions/core/streams/customers/customer';
import type { Product } from '../../functions/core/streams/products/product';
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';

let now: number;
let fake: FakeShopify;
const closers: Array<{ close(): Promise<void> }> = [];

function sourceOf<R extends SyncRecord>(
  stream: 'products' | 'customers',
  options: { bulk?: boolean; sleep?: (ms: number) => Promise<void> } = {},
): ShopifySource<R> {
  const descriptor = (stream === 'products' ? SHOPIFY_STREAMS.products({ variantsPerProduct: 4 }) : SHOPIFY_STREAMS.customers()) as never;
  const { source, paged } = shopifyStreamSource<R>(descriptor, {
    shopDomain: fake.url,
    apiVersion: '2025-10',
    token: fake.token,
    backoff: { baseMs: 1, capMs: 5 },
    clock: () => now,
    bulkResync: options.bulk ?? true,
    rangeBytes: 8 * 1024,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  closers.push(paged as ShopifyPagedSource<R>);
  return source;
}

/** Every page of the window to its end, the clock moved on by what each page asked to wait. */
async function walk<R extends SyncRecord>(
  source: ShopifySource<R>,
  window: Window,
  limit = 50,
): Promise<{ records: R[]; pages: SourcePage<R>[] }> {
  const pages: SourcePage<R>[] = [];
  let cursor: string | null = null;
  do {
    const page = await source.fetchPage({ window, cursor, limit });
    pages.push(page);
    now += (page.waitSeconds ?? 0) * 1000;
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 500);
  expect(cursor).toBeNull();
  return { records: pages.flatMap((page) => page.records), pages };
}

const versions = (records: SyncRecord[]) => records.map((record) => ({ id: record.id, updatedAt: record.updatedAt }));
/** The fake's truth as the connector's records say it (Instants with six fractional digits). */
const truthOf = (catalogue: FakeShopify['products'], window?: Window) =>
  catalogue
    .truth()
    .map((entry) => ({ id: entry.id, updatedAt: entry.updatedAt.replace('Z', '.000000Z') }))
    .filter((entry) => window === undefined || ((window.from === null || entry.updatedAt >= window.from) && entry.updatedAt < window.to));

beforeEach(async () => {
  now = Date.UTC(2026, 10, 20, 9, 0, 0, 0);
  fake = await startFakeShopify({
    shop: { orders: 120, seed: 7 },
    products: 130,
    customers: 140,
    clock: () => now,
    bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
    bulkRate: 40,
  });
});
afterEach(async () => {
  for (const closer of closers.splice(0)) await closer.close();
  await fake.stop();
});

describe('a full window', () => {
  it.each(['products', 'customers'] as const)('walks one bulk export of the %s, every record once, exact', async (stream) => {
    const window = { from: null, to: fake.shop.now() };
    const { records, pages } = await walk(sourceOf(stream), window);

    expect(versions(records)).toEqual(truthOf(fake[stream]));
    expect(fake.bulk.list()).toHaveLength(1);
    expect(fake.bulk.list()[0]!.query).toMatch(new RegExp(`^query ${stream.charAt(0).toUpperCase()}${stream.slice(1)}BulkExport`));
    expect(fake.calls().filter((call) => call.operation.endsWith('Page'))).toHaveLength(0);
    expect(pages.filter((page) => page.nextCursor !== null && decodeBulkPlace(page.nextCursor).phase === 'reading').length).toBeGreaterThan(
      2,
    );
    if (stream === 'products') {
      // Every variant, the products with 30 of them included (children lines of the export).
      const product = (records as unknown as Product[]).find((record) => record.id === 'gid://shopify/Product/40')!;
      expect(product.variants).toHaveLength(30);
      expect(product.raw).toEqual(fake.products.node(product.id));
    }
  });
});

describe('an incremental window', () => {
  it('pages the products, each with every variant (follow-ups past the page query), exact', async () => {
    const all = truthOf(fake.products);
    const window = { from: all[60]!.updatedAt, to: fake.shop.now() };
    const { records } = await walk(sourceOf<Product>('products'), window, 25);

    expect(versions(records)).toEqual(truthOf(fake.products, window));
    // The node as Shopify sends it, its variants whole (the paged connection's last pageInfo kept beside them).
    const variantsOf = (node: unknown) => (node as { variants: { nodes: unknown[] } }).variants.nodes;
    for (const record of records) expect(variantsOf(record.raw)).toEqual(variantsOf(fake.products.node(record.id)));
    expect(records.some((record) => record.variants.length === 30)).toBe(true);
    expect(fake.calls().filter((call) => call.operation === 'ProductConnections').length).toBeGreaterThan(0);
    expect(fake.bulk.list()).toHaveLength(0);
  });

  it('pages the customers, exact, and counts them', async () => {
    const window = { from: null, to: fake.shop.now() };
    const source = sourceOf<Customer>('customers', { bulk: false });
    const { records } = await walk(source, window, 60);
    expect(versions(records)).toEqual(truthOf(fake.customers));
    expect(await source.count(window)).toBe(140);
    expect(records.find((record) => record.id === 'gid://shopify/Customer/9')!.email).toBeNull();
  });

  it('while the shop changes and deletes records, loses none that stayed in the window; the next window holds the changes', async () => {
    fake.products.setLiveRate(3, 0.3);
    const t0 = fake.shop.now();
    const window = { from: null, to: t0 };
    const atStart = truthOf(fake.products, window);
    const source = sourceOf<Product>('products', { bulk: false });
    const seen: Product[] = [];
    let cursor: string | null = null;
    do {
      const page = await source.fetchPage({ window, cursor, limit: 10 });
      seen.push(...page.records);
      cursor = page.nextCursor;
      now += 1_000; // three changes a second land between pages
    } while (cursor !== null);
    fake.products.setLiveRate(0);

    const stayed = truthOf(fake.products, window);
    expect(stayed.length).toBeLessThan(atStart.length);
    expect(stayed.filter((entry) => !seen.some((record) => record.id === entry.id && record.updatedAt === entry.updatedAt))).toEqual([]);
    expect(seen.every((record) => record.updatedAt < t0)).toBe(true);

    now += 1_000;
    const next = { from: t0, to: fake.shop.now() };
    const changed = await walk(source, next, 50);
    expect(versions(changed.records)).toEqual(truthOf(fake.products, next));
    expect(changed.records.length).toBeGreaterThan(0);
  });
});

describe('deletions', () => {
  it('of products come from their destroy events; of customers, with no such feed, from existence checks', async () => {
    const products = sourceOf<Product>('products');
    const customers = sourceOf<Customer>('customers');
    const from = fake.shop.now();
    const goneProducts = truthOf(fake.products)
      .slice(0, 3)
      .map((entry) => entry.id);
    const [keptCustomer, goneCustomer] = truthOf(fake.customers).map((entry) => entry.id);
    now += 5_000;
    fake.products.delete(goneProducts);
    fake.customers.delete([goneCustomer!]);
    now += 2_000;
    const window = { from, to: fake.shop.now() };

    const feed = await products.fetchDeleted!({ window, cursor: null, limit: 2 });
    const rest = await products.fetchDeleted!({ window, cursor: feed.nextCursor, limit: 2 });
    expect([...feed.deletions, ...rest.deletions]).toEqual(
      goneProducts.sort().map((id) => ({ id, deletedAt: '2026-11-20T09:00:05.000000Z' })),
    );
    expect(rest.nextCursor).toBeNull();
    expect((await products.existing!([goneProducts[0]!, truthOf(fake.products)[0]!.id])).ids).toEqual(
      new Set([truthOf(fake.products)[0]!.id]),
    );

    expect(customers.fetchDeleted).toBeUndefined();
    expect((await customers.existing!([keptCustomer!, goneCustomer!])).ids).toEqual(new Set([keptCustomer]));
  });
});

it('a node the mapping refuses is set aside naming the Shopify field, and the rest of the window goes on', async () => {
  const [broken] = truthOf(fake.products).map((entry) => entry.id);
  fake.products.corrupt(broken!, {
    variants: { nodes: [{ id: 'gid://shopify/ProductVariant/1', sku: null, title: 'x', price: 'free', inventoryQuantity: 0 }] },
  });
  const window = { from: null, to: fake.shop.now() };
  const { records, pages } = await walk(sourceOf<Product>('products'), window);
  const rejected = pages.flatMap((page) => page.rejected);
  expect(rejected.map((entry) => [entry.id, entry.field])).toEqual([[broken, 'variants.nodes[0].price']]);
  expect(records).toHaveLength(129);
});

it("goes on in smaller requests when the shop's one bucket is drained by others as fast as it refills (other streams at once)", async () => {
  const fullRequest = SHOPIFY_STREAMS.products({ variantsPerProduct: 4 }).page.cost(100);
  // Enough for a variants follow-up (255 points), not for a full page request.
  const othersLeave = 300;
  expect(fullRequest).toBeGreaterThan(2 * othersLeave);
  fake.setBucket({ maximumAvailable: 2000, restoreRate: 100, currentlyAvailable: othersLeave });
  // Whatever refills while the connector waits, the other streams' steps take, down to what they leave.
  const sleep = async (ms: number) => {
    now += ms;
    fake.setBucket({ currentlyAvailable: othersLeave });
  };
  const since = fake.calls().length;

  const page = await sourceOf<Product>('products', { bulk: false, sleep }).fetchPage({
    window: { from: null, to: fake.shop.now() },
    cursor: null,
    limit: 100,
  });

  expect(versions(page.records)).toEqual(truthOf(fake.products).slice(0, 100));
  const pageCalls = fake
    .calls()
    .slice(since)
    .filter((call) => call.operation === 'ProductsPage');
  // Once THROTTLED it waits for the whole request and tries it again; THROTTLED again, it asks for what is left.
  expect(pageCalls.slice(0, 2).map((call) => [call.variables.first, call.outcome])).toEqual([
    [100, 'THROTTLED'],
    [100, 'THROTTLED'],
  ]);
  const served = pageCalls.filter((call) => call.outcome === '200');
  expect(served.length).toBeGreaterThan(1);
  for (const call of served) expect(call.requestedQueryCost).toBeLessThanOrEqual(othersLeave + 1);
  expect(page.stats.throttled).toBeLessThan(pageCalls.length);
});

it('a token without read_products or read_customers fails naming the scope', async () => {
  fake.setScopes(['read_orders', 'read_all_orders']);
  const window = { from: null, to: fake.shop.now() };
  await expect(sourceOf('products', { bulk: false }).fetchPage({ window, cursor: null, limit: 10 })).rejects.toThrow(SourceAuthError);
  await expect(sourceOf('customers').count(window)).rejects.toThrow(/lacks the read_customers scope/);
  await expect(sourceOf('products').fetchPage({ window, cursor: null, limit: 10 })).rejects.toThrow(/lacks the read_products scope/);
});

it('a products export and an orders export started together take turns for the one bulk slot, and both finish exact', async () => {
  const window = { from: null, to: fake.shop.now() };
  const ordersPaged = new ShopifyOrdersSource({ shopDomain: fake.url, apiVersion: '2025-10', token: fake.token, clock: () => now });
  closers.push(ordersPaged);
  const orders = new ShopifySource({
    paged: ordersPaged,
    bulk: new ShopifyBulkExport({ source: ordersPaged, apiVersion: '2025-10', clock: () => now }),
    rangeBytes: 16 * 1024,
    clock: () => now,
  });
  const runs = [
    {
      name: 'orders',
      source: orders as ShopifySource<SyncRecord>,
      dueAt: now,
      cursor: null as string | null,
      done: false,
      records: [] as SyncRecord[],
      blocked: 0,
    },
    {
      name: 'products',
      source: sourceOf('products') as ShopifySource<SyncRecord>,
      dueAt: now,
      cursor: null as string | null,
      done: false,
      records: [] as SyncRecord[],
      blocked: 0,
    },
  ];
  let mostRunning = 0;
  for (let steps = 0; runs.some((run) => !run.done) && steps < 400; steps++) {
    // The run whose Wait state ends first takes the next step, as two state machines would.
    const run = runs.filter((candidate) => !candidate.done).sort((a, b) => a.dueAt - b.dueAt)[0]!;
    now = Math.max(now, run.dueAt);
    const page = await run.source.fetchPage({ window, cursor: run.cursor, limit: 100 });
    run.records.push(...page.records);
    if (page.nextCursor !== null && decodeBulkPlace(page.nextCursor).phase === 'starting') run.blocked++;
    run.cursor = page.nextCursor;
    run.done = page.nextCursor === null;
    run.dueAt = now + (page.waitSeconds ?? 0) * 1000;
    mostRunning = Math.max(mostRunning, fake.bulk.list().filter((op) => op.status === 'CREATED' || op.status === 'RUNNING').length);
  }

  expect(runs.map((run) => run.done)).toEqual([true, true]);
  expect(mostRunning).toBe(1);
  // One of them found the slot taken and waited its turn.
  expect(runs.map((run) => run.blocked).reduce((a, b) => a + b)).toBeGreaterThan(0);
  expect(fake.bulk.list().map((op) => op.status)).toEqual(['COMPLETED', 'COMPLETED']);
  expect(runs[0]!.records.map((order) => order.id)).toEqual(fake.truth(window).map((order) => order.id));
  expect(versions(runs[1]!.records)).toEqual(truthOf(fake.products, window));
});
