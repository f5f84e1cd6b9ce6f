// A shop on Shopify, synced by the local state machine: the first sync runs full through the Shopify connector
// (SOURCE_KIND=shopify, the fake GraphQL Admin endpoint as the shop domain), the next one fetches only changes.
import { startFakeShopify, type FakeShopify } from '../../local/fakes/shopify';
import { startLocalStack, type LocalStack } from '../../local/aws/stack';
import { lastOf, runChain, storedVersions, syncState } from '../support/e2e';

const ORDERS = 2_000;
const PAGE_SIZE = 50;
const PAGES_PER_EXECUTION = 20;

/** What differs between the synced copy and the shop: missing ids, stale versions, extra ids. */
async function differences(stack: LocalStack, fake: FakeShopify) {
  const stored = await storedVersions(stack);
  const missing: string[] = [];
  const stale: string[] = [];
  for (const { id, updated_at } of fake.truth()) {
    const version = stored.get(id);
    if (version === undefined) missing.push(id);
    else if (version.updatedAt !== updated_at) stale.push(id);
    stored.delete(id);
  }
  return { missing, stale, extra: [...stored.keys()] };
}

describe('a Shopify shop: a full sync, then an incremental one', () => {
  let fake: FakeShopify;
  let stack: LocalStack;

  beforeAll(async () => {
    fake = await startFakeShopify({ shop: { orders: ORDERS, seed: 17 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 } });
    stack = await startLocalStack({
      source: { url: fake.url, token: fake.token },
      env: {
        SOURCE_KIND: 'shopify',
        SHOPIFY_SHOP_DOMAIN: fake.url,
        SHOPIFY_API_VERSION: '2025-10',
        PAGE_SIZE: String(PAGE_SIZE),
        MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION),
      },
      retryIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await fake?.stop();
  });

  it('stores every order exactly on the first (full) sync', async () => {
    const chain = await runChain(stack, { mode: 'incremental', trigger: 'test' });

    expect(chain.map((execution) => execution.status)).toEqual(Array(Math.ceil(ORDERS / PAGE_SIZE / PAGES_PER_EXECUTION)).fill('SUCCEEDED'));
    expect(lastOf(chain).output).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0 },
      orderCount: ORDERS,
    });
    expect(await differences(stack, fake)).toEqual({ missing: [], stale: [], extra: [] });
    expect(fake.calls().every((call) => call.outcome === '200')).toBe(true);
  });

  it('then fetches only what changed: inserts the new orders, updates the changed ones', async () => {
    const before = await syncState(stack);
    const changed = fake.shop.truth().slice(0, 60).map((order) => order.id);
    fake.shop.mutate({ updates: changed, creates: 15 });

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });

    expect(chain).toHaveLength(1);
    const summary = chain[0]!.output as { window: { from: string; to: string }; counts: Record<string, number> };
    const insideOverlap = fake.truth(summary.window).length - 75;
    expect(summary.window.from < before.checkpoint!.watermark).toBe(true);
    expect(chain[0]!.output).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      counts: { fetched: 75 + insideOverlap, inserted: 15, updated: 60, unchanged: insideOverlap, stale: 0, quarantined: 0 },
      orderCount: ORDERS + 15,
    });
    expect(await differences(stack, fake)).toEqual({ missing: [], stale: [], extra: [] });
    const state = await syncState(stack);
    expect(state.checkpoint).toMatchObject({ watermark: summary.window.to, isFullSync: false });
    expect(state.orderCount).toBe(ORDERS + 15);
  });
});
