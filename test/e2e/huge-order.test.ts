// An order of 1,600 line items with 255-character titles (over 400 KB as flat attributes, a few KB gzip-compressed),
// on the reference source and on Shopify: the run succeeds, the order is stored (on Shopify without its flat line
// items, saying so; its totals exact, its raw order whole) and every other order is exact; the next incremental runs.
import type { StoredOrder } from '../../functions/adapters/dynamodb/order-item';
import type { RunOutcome } from '../../functions/core/run-types';
import type { FakeOrdersApi } from '../../local/fakes/orders-api';
import type { LocalStack } from '../../local/aws/stack';
import { orderGid, referenceIdOf } from '../../local/fakes/shopify/translate';
import { lastOf, runChain, storedVersions, stores } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 150;
const LINE_ITEMS = 1_600;

/** Serves the shop's order with 1,600 line items (ids as the fake numbers them), its subtotal on the first. */
function makeHuge(shop: FakeOrdersApi, id: string): void {
  const served = shop.order(id)!;
  const lineItems = Array.from({ length: LINE_ITEMS }, (_, n) => ({
    id: `li_${String(served.order_number)}_${n + 1}`,
    sku: `SKU-${n + 1}`,
    title: `${n + 1} `.padEnd(255, 'Handmade ceramic mug, glazed by hand, '),
    quantity: 1,
    price: n === 0 ? served.subtotal_price : '0.00',
  }));
  shop.corruptOrder(id, { line_items: lineItems });
}

async function readRecord(stack: LocalStack, id: string): Promise<StoredOrder | null> {
  const { orders, close } = stores(stack);
  try {
    return await orders.readRecord(id);
  } finally {
    close();
  }
}

async function run(stack: LocalStack, mode: 'full' | 'incremental'): Promise<RunOutcome> {
  const execution = lastOf(await runChain(stack, { mode, trigger: 'test' }));
  expect(execution).toMatchObject({ status: 'SUCCEEDED' });
  return execution.output as RunOutcome;
}

/** Versions that differ between the copy and the source's truth (each order's id and updated_at). */
async function differences(stack: LocalStack, truth: () => Array<{ id: string; updated_at: string }>) {
  const stored = await storedVersions(stack);
  const wrong = truth().filter(({ id, updated_at }) => stored.get(id)?.updatedAt !== updated_at);
  return { wrong: wrong.map(({ id }) => id), extra: stored.size - truth().length };
}

describe.each([
  ['the reference source', 'http'],
  ['Shopify', 'shopify'],
] as const)('an order too big to store flat, on %s', (_, kind) => {
  let stack: E2eStack;
  let shop: FakeOrdersApi;
  let hugeId: string;

  beforeAll(async () => {
    const fakeShop = { orders: ORDERS, seed: 41 };
    stack = await startE2eStack({
      ...(kind === 'http'
        ? { fake: fakeShop }
        : { shopify: { shop: fakeShop, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 }, bulkRate: 1e6 } }),
      env: { PAGE_SIZE: '50' },
    });
    shop = stack.fake;
    hugeId = shop.truth()[ORDERS / 2]!.id;
    makeHuge(shop, hugeId);
  });
  afterAll(() => stack?.stop());

  const truth = () => (kind === 'http' ? shop.truth() : stack.fakeShopify!.truth());
  const storedId = () => (kind === 'http' ? hugeId : orderGid(hugeId));

  it('a full run stores it (totals exact, raw whole) and every other order', async () => {
    const full = await run(stack, 'full');

    expect(full.counts).toMatchObject({ fetched: ORDERS, inserted: ORDERS, quarantined: 0 });
    expect(await differences(stack, truth)).toEqual({ wrong: [], extra: 0 });
    const stored = (await readRecord(stack, storedId()))!;
    const served = shop.order(hugeId)!;
    expect(stored).toMatchObject({ lineItemCount: LINE_ITEMS, totalPrice: served.total_price, subtotalPrice: served.subtotal_price });
    // On Shopify the flat line items are what does not fit; the reference source stores line items in raw only.
    expect(stored.trimmedDetails).toEqual(kind === 'shopify' ? ['line_items'] : []);
    expect(JSON.stringify(stored.raw).length).toBeGreaterThan(400 * 1024);
  });

  it('the next incremental run stores its next version and the other changes', async () => {
    const changed = truth()
      .slice(0, 10)
      .map(({ id }) => (kind === 'http' ? id : referenceIdOf(id)!));
    shop.mutate({ updates: [...changed, hugeId] });

    const incremental = await run(stack, 'incremental');

    expect(incremental.counts).toMatchObject({ updated: 11, quarantined: 0 });
    expect(await differences(stack, truth)).toEqual({ wrong: [], extra: 0 });
    expect((await readRecord(stack, storedId()))?.lineItemCount).toBe(LINE_ITEMS);
  });
});
