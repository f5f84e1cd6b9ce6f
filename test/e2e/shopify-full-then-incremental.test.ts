// A shop on Shopify, synced by the local state machine (SOURCE_KIND=shopify, the fake GraphQL Admin endpoint as the
// shop domain): the first sync runs full through a bulk export (started, waited for in a Wait state, read one byte
// range a page), fails in the middle of the result file and resumes from the saved range; the next one pages.
import { decodeBulkPlace } from '../../functions/adapters/source/shopify/shopify-source';
import type { RunState } from '../../functions/core/run-state';
import type { FakeShopify } from '../../local/fakes/shopify';
import type { LocalStack } from '../../local/aws/stack';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { lastOf, runChain, storedOrder, storedVersions, syncState, thousandMore } from '../support/e2e';
import { referenceIdOf } from '../../local/fakes/shopify/translate';

const ORDERS = 2_000;
const PAGE_SIZE = 50;
const PAGES_PER_EXECUTION = 20;
/** About 150 orders a range: some 14 ranges for the file. */
const RANGE_BYTES = 512 * 1024;
/** The page step that dies (a permanent error, not retried): the fourth range of the result. */
const FAILING_RANGE = 3;

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

describe('a Shopify shop: a full sync through a bulk export, resumed in the middle of its result, then an incremental one', () => {
  let fake: FakeShopify;
  let stack: E2eStack;
  /** The bulk places SyncPage steps were given, and whether to fail the one at FAILING_RANGE. */
  const places: Array<ReturnType<typeof decodeBulkPlace> | null> = [];
  let failRange = true;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: { shop: { orders: ORDERS, seed: 17 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 }, bulkRate: 1e6 },
      env: {
        SHOPIFY_BULK_RANGE_BYTES: String(RANGE_BYTES),
        PAGE_SIZE: String(PAGE_SIZE),
        MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION),
      },
      // No waitMs: the Wait state waits what the page asked (SecondsPath), 2 s after the export starts.
      hooks: {
        before: (functionName, payload) => {
          if (functionName !== 'sync-page') return;
          const cursor = (payload as RunState).run.position.cursor;
          const place = cursor?.startsWith('bulk:') ? decodeBulkPlace(cursor) : null;
          places.push(place);
          const reading = places.filter((seen) => seen?.phase === 'reading');
          if (failRange && place?.phase === 'reading' && reading.length === FAILING_RANGE + 1) {
            failRange = false;
            throw Object.assign(new Error('the page step died (test)'), { name: 'SimulatedFailure' });
          }
        },
      },
    });
    fake = stack.fakeShopify!;
  });
  afterAll(() => stack?.stop());

  it('exports the shop in bulk, waits for the export in the state machine, and fails in the middle of the file with its place saved', async () => {
    const chain = await runChain(stack, { mode: 'incremental', trigger: 'test' });

    expect(lastOf(chain)).toMatchObject({ status: 'FAILED', error: 'SyncFailed' });
    const waits = chain.flatMap((execution) => execution.events).filter((event) => event.type === 'WaitStateEntered');
    expect(waits.map((event) => event.stateName)).toEqual(['WaitForSource']);
    expect(places.map((place) => place?.phase ?? null).slice(0, 3)).toEqual([null, 'exporting', 'reading']);
    const state = await syncState(stack);
    expect(state.run).toMatchObject({ mode: 'full', status: 'failed', error: { name: 'SimulatedFailure' } });
    const saved = decodeBulkPlace(state.run!.position.cursor!);
    expect(saved).toMatchObject({ phase: 'reading', restarts: 0 });
    expect((saved as { offset: number }).offset).toBeGreaterThan(0);
    expect(state.orderCount).toBe(state.run!.counts.inserted);
    expect(state.orderCount).toBeGreaterThan(FAILING_RANGE * 100);
    expect(state.orderCount).toBeLessThan(ORDERS);
    expect(fake.bulk.list()).toHaveLength(1);
    expect(fake.calls().filter((call) => call.operation === 'OrdersPage')).toHaveLength(0);
  });

  it('resumes from the saved range of the same export: no order read twice, every order stored exactly', async () => {
    const failed = (await syncState(stack)).run!;
    const before = places.length;

    const chain = await runChain(stack, { mode: 'full', trigger: 'test', resume: true });

    expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
    expect(places[before]).toEqual(decodeBulkPlace(failed.position.cursor!));
    expect(lastOf(chain).output).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      runId: failed.runId,
      counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS,
    });
    expect(await differences(stack, fake)).toEqual({ missing: [], stale: [], extra: [] });
    expect(fake.bulk.list()).toHaveLength(1);
    expect((await syncState(stack)).checkpoint).toMatchObject({ isFullSync: true, watermark: failed.window.to });
  });

  it('then fetches only what changed through the paged query: inserts the new orders, updates the changed ones', async () => {
    const before = await syncState(stack);
    const changed = fake.shop
      .truth()
      .slice(0, 60)
      .map((order) => order.id);
    fake.shop.mutate({ updates: changed, creates: 15 });

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });

    expect(chain).toHaveLength(1);
    const summary = chain[0]!.output as { window: { from: string; to: string }; counts: Record<string, number> };
    const insideOverlap = fake.truth(summary.window).length - 75;
    expect(summary.window.from < before.checkpoint!.watermark).toBe(true);
    expect(chain[0]!.output).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      counts: { fetched: 75 + insideOverlap, inserted: 15, updated: 60, unchanged: insideOverlap, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS + 15,
    });
    expect(await differences(stack, fake)).toEqual({ missing: [], stale: [], extra: [] });
    expect(fake.bulk.list()).toHaveLength(1);
    expect(fake.calls().filter((call) => call.operation === 'OrdersPage').length).toBeGreaterThan(0);
    const state = await syncState(stack);
    expect(state.checkpoint).toMatchObject({ watermark: summary.window.to, isFullSync: false });
    expect(state.orderCount).toBe(ORDERS + 15);
  });

  it('stores a version made in the second of the one it read (Shopify stamps whole seconds): counted updated, its total exact', async () => {
    const { id, updated_at } = fake.truth().at(-1)!;
    const referenceId = referenceIdOf(id)!;
    const total = thousandMore(fake.shop.order(referenceId)!.total_price);
    fake.shop.reviseInSameSecond(referenceId, { total_price: total });

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });

    const summary = chain[0]!.output as { window: { from: string; to: string } };
    const fetched = fake.truth(summary.window).length;
    expect(chain[0]!.output).toMatchObject({
      status: 'succeeded',
      counts: { fetched, inserted: 0, updated: 1, unchanged: fetched - 1, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS + 15,
    });
    expect(await storedOrder(stack, id)).toMatchObject({ updatedAt: updated_at, totalPrice: total });
  });
});
