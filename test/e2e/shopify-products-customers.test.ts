// The products and customers streams on a Shopify shop, through the whole local stack (SOURCE_KIND=shopify, the fake
// GraphQL Admin endpoint as the shop): their full resyncs started together take turns for the shop's one bulk slot
// while the shop changes, then incremental runs page what changed; the copies end exact. Products' deletions come by
// their destroy events; customers have no deletion feed on Shopify, so a deleted customer leaves the copy at the next
// full resync's reconciliation.
import { mapShopifyCustomer } from '../../functions/adapters/source/shopify/customers/map-customer';
import { mapShopifyProduct } from '../../functions/adapters/source/shopify/products/map-product';
import { decodeBulkPlace } from '../../functions/adapters/source/shopify/shopify-source';
import type { RunState } from '../../functions/core/run-state';
import type { Customer } from '../../functions/core/streams/customers/customer';
import type { Product } from '../../functions/core/streams/products/product';
import type { FakeShopify } from '../../local/fakes/shopify';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { lastOf, runChain, storedRecords, storedVersions } from '../support/e2e';

const PRODUCTS = 240;
const CUSTOMERS = 180;
type Catalogued = 'products' | 'customers';

/** What differs between the stream's copy and the shop: missing ids, stale versions, extra (live, not at the shop) ids. */
async function differences(stack: E2eStack, fake: FakeShopify, stream: Catalogued) {
  const stored = await storedVersions(stack, stream);
  for (const [id, version] of stored) if (version.deletedAt !== null) stored.delete(id);
  const missing: string[] = [];
  const stale: string[] = [];
  for (const { id, updatedAt } of fake[stream].truth()) {
    const version = stored.get(id);
    // The shop stamps whole seconds; an Instant carries six fractional digits.
    if (version === undefined) missing.push(id);
    else if (version.updatedAt !== updatedAt.replace('Z', '.000000Z')) stale.push(id);
    stored.delete(id);
  }
  return { missing, stale, extra: [...stored.keys()].sort() };
}

/** Each stored record's flat fields (what a dashboard reads) beside the shop's node mapped the connector's way. */
async function flatFields(stack: E2eStack, fake: FakeShopify, stream: Catalogued) {
  const pick = (record: Product | Customer) =>
    stream === 'products'
      ? (({ id, title, vendor, productType, status, tags, variants, updatedAt }: Product) => ({
          id,
          title,
          vendor,
          productType,
          status,
          tags,
          variants,
          updatedAt,
        }))(record as Product)
      : (({ id, email, firstName, lastName, state, ordersCount, totalSpent, currency, tags, updatedAt }: Customer) => ({
          id,
          email,
          firstName,
          lastName,
          state,
          ordersCount,
          totalSpent,
          currency,
          tags,
          updatedAt,
        }))(record as Customer);
  const map = stream === 'products' ? mapShopifyProduct : mapShopifyCustomer;
  const stored = (await storedRecords<Product | Customer>(stack, stream)).map(pick).sort((a, b) => (a.id < b.id ? -1 : 1));
  const shop = stored.map(({ id }) => pick(map(fake[stream].node(id))));
  return { stored, shop };
}

describe('products and customers on a Shopify shop: full resyncs taking turns for the bulk slot, then incremental runs', () => {
  let stack: E2eStack;
  let fake: FakeShopify;
  /** Per stream: the bulk places its page steps were given, and the most bulk operations seen running at once. */
  const places: Record<string, Array<ReturnType<typeof decodeBulkPlace> | null>> = { products: [], customers: [] };
  let mostRunning = 0;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: {
        shop: { orders: 20, seed: 23 },
        // Slow exports (some 10 s and 7 s), so the second stream surely finds the slot taken, however slow its start.
        bulkRate: 25,
        products: PRODUCTS,
        customers: CUSTOMERS,
        bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
      },
      // Short Wait states (a blocked export's 30 s wait, the polls): the order of the steps is the point, not the time.
      waitMs: 300,
      env: { STREAMS: 'orders,products,customers', PAGE_SIZE: '50', SHOPIFY_BULK_RANGE_BYTES: String(32 * 1024) },
      hooks: {
        before: (functionName, payload) => {
          if (functionName !== 'sync-page') return;
          const { stream, run } = payload as RunState;
          const { cursor } = run.position;
          places[stream]?.push(cursor?.startsWith('bulk:') ? decodeBulkPlace(cursor) : null);
          const running = fake.bulk.list().filter((operation) => operation.status === 'CREATED' || operation.status === 'RUNNING');
          mostRunning = Math.max(mostRunning, running.length);
        },
      },
    });
    fake = stack.fakeShopify!;
  });
  afterAll(() => stack?.stop());

  it('runs both full resyncs at once while the shop changes and deletes: one export at a time, the later one waiting its turn', async () => {
    fake.products.setLiveRate(3, 0.3);
    fake.customers.setLiveRate(3);

    const [products, customers] = await Promise.all(
      (['products', 'customers'] as const).map((stream) => runChain(stack, { stream, mode: 'full', trigger: 'test' })),
    );

    for (const [stream, chain] of [
      ['products', products!],
      ['customers', customers!],
    ] as const) {
      expect(lastOf(chain)).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded', mode: 'full', stream } });
      // Each record of the export once, into an empty copy; the live changes that moved a record past the window
      // (or deleted it) leave it to the next incremental run.
      const { counts } = lastOf(chain).output as { counts: Record<string, number> };
      expect(counts.inserted).toBe(counts.fetched);
      expect(counts.inserted).toBeGreaterThan((stream === 'products' ? PRODUCTS : CUSTOMERS) / 2);
      const live = [...(await storedVersions(stack, stream)).values()].filter((version) => version.deletedAt === null);
      expect(live).toHaveLength(counts.inserted! - counts.deleted!);
    }
    const exports = fake.bulk.list();
    expect(exports.map((operation) => operation.query.match(/^query (\w+)/)?.[1]).sort()).toEqual([
      'CustomersBulkExport',
      'ProductsBulkExport',
    ]);
    expect(exports.map((operation) => operation.status)).toEqual(['COMPLETED', 'COMPLETED']);
    expect(mostRunning).toBe(1);
    // The export that found the slot taken waited (a page that started nothing) and started once it was free.
    const blocked = Object.values(places).filter((seen) => seen.some((place) => place?.phase === 'starting'));
    expect(blocked).toHaveLength(1);
    expect(fake.calls().filter((call) => call.operation.endsWith('Page'))).toHaveLength(0);
  });

  it('then pages what changed, the products deleted by their destroy events: both copies exact, their flat fields as the shop has them', async () => {
    fake.products.setLiveRate(0);
    fake.customers.setLiveRate(0);
    const productIds = fake.products.truth().map((entry) => entry.id);
    const customerIds = fake.customers.truth().map((entry) => entry.id);
    fake.products.change(productIds.slice(0, 20), 5);
    const deletedProducts = productIds.slice(20, 28);
    fake.products.delete(deletedProducts);
    fake.customers.change(customerIds.slice(0, 20), 5);
    const exportsBefore = fake.bulk.list().length;

    const [products, customers] = await Promise.all(
      (['products', 'customers'] as const).map((stream) => runChain(stack, { stream, mode: 'incremental', trigger: 'schedule' })),
    );

    expect(lastOf(products!)).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'succeeded', mode: 'incremental', stream: 'products' },
    });
    expect(lastOf(customers!)).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'succeeded', mode: 'incremental', stream: 'customers' },
    });
    const productCounts = (lastOf(products!).output as { counts: Record<string, number> }).counts;
    const customerCounts = (lastOf(customers!).output as { counts: Record<string, number> }).counts;
    // The live deletions during the full resync that came after its window are among these.
    expect(productCounts.deleted).toBeGreaterThanOrEqual(deletedProducts.length);
    expect(productCounts.inserted).toBeGreaterThanOrEqual(5);
    expect(customerCounts).toMatchObject({ deleted: 0, quarantined: 0 });
    expect(customerCounts.inserted).toBeGreaterThanOrEqual(5);
    expect(await differences(stack, fake, 'products')).toEqual({ missing: [], stale: [], extra: [] });
    expect(await differences(stack, fake, 'customers')).toEqual({ missing: [], stale: [], extra: [] });
    for (const stream of ['products', 'customers'] as const) {
      const { stored, shop } = await flatFields(stack, fake, stream);
      expect(stored).toEqual(shop);
    }
    expect(fake.bulk.list()).toHaveLength(exportsBefore);
    expect(fake.calls().filter((call) => call.operation === 'ProductsPage').length).toBeGreaterThan(0);
    expect(fake.calls().filter((call) => call.operation === 'CustomersPage').length).toBeGreaterThan(0);
    expect(fake.calls().filter((call) => call.operation === 'ProductDeletions').length).toBeGreaterThan(0);
  });

  it('keeps a deleted customer (no deletion feed) until the next full resync, whose reconciliation finds it gone', async () => {
    const gone = fake.customers
      .truth()
      .slice(30, 36)
      .map((entry) => entry.id);
    fake.customers.delete(gone);

    const incremental = await runChain(stack, { stream: 'customers', mode: 'incremental', trigger: 'schedule' });
    expect(lastOf(incremental)).toMatchObject({ status: 'SUCCEEDED', output: { counts: { deleted: 0 } } });
    expect(await differences(stack, fake, 'customers')).toEqual({ missing: [], stale: [], extra: gone.sort() });

    const full = await runChain(stack, { stream: 'customers', mode: 'full', trigger: 'test' });
    expect(lastOf(full)).toMatchObject({ status: 'SUCCEEDED', output: { status: 'succeeded', counts: { deleted: gone.length } } });
    expect(await differences(stack, fake, 'customers')).toEqual({ missing: [], stale: [], extra: [] });
  });
});
