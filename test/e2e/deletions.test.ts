// Deleted orders reach the copy (docs/design.md "Deletions"): between runs through the deletion feed on an incremental
// run, during a full resync (the feed of the next run), and past the feed's retention only through the full resync's
// reconciliation, which the test also turns off to see the copy keep them. Synthesized definition, real handlers,
// dynalite, the fake orders API over HTTP.
import type { RunOutcome } from '../../functions/core/run-types';
import type { FakeShopify } from '../../local/fakes/shopify';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, runChain, lastOf, storedVersions, stores, syncState } from '../support/e2e';

// Enough pages for deletions to land mid-resync; the scenarios do not grow with the shop.
const ORDERS = 600;
const PAGE_SIZE = 100;

describe('deleted orders', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({ fake: { orders: ORDERS, seed: 15 }, env: { PAGE_SIZE: String(PAGE_SIZE) } });
  });
  afterAll(() => stack?.stop());

  async function run(mode: 'full' | 'incremental'): Promise<RunOutcome> {
    const last = lastOf(await runChain(stack, { mode, trigger: 'test' }));
    expect(last.status).toBe('SUCCEEDED');
    return last.output as RunOutcome;
  }

  /** No deleted order live in the copy, none missing, every version current, and the counter (the status count) the source's. */
  async function expectExactCopy(): Promise<void> {
    const live = stack.fake!.truth().length;
    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: live });
    expect((await syncState(stack)).orderCount).toBe(live);
  }

  async function tombstonedIds(): Promise<Set<string>> {
    const { orders, close } = stores(stack);
    const ids = new Set<string>();
    try {
      for await (const tombstone of orders.scanTombstones()) ids.add(tombstone.id);
    } finally {
      close();
    }
    return ids;
  }

  /** The page step's setting changed as a deploy would change it: its next invocations start cold with it. */
  async function setReconcile(on: boolean): Promise<void> {
    await stack.functions.get('sync-page').updateEnvironment({ RECONCILE_AFTER_FULL_RESYNC: String(on) });
  }

  it('deleted between runs: the incremental run reads them from the feed and tombstones them, counted once', async () => {
    expect((await run('full')).counts.deleted).toBe(0);
    await expectExactCopy();

    const deleted = stack
      .fake!.truth()
      .filter((_, index) => index % 97 === 0)
      .map((order) => order.id);
    const { deletedAt } = stack.fake!.deleteOrders(deleted);
    const incremental = await run('incremental');

    expect(incremental.counts.deleted).toBe(deleted.length);
    await expectExactCopy();
    expect([...(await tombstonedIds())].sort()).toEqual([...deleted].sort());
    const { orders, close } = stores(stack);
    try {
      expect((await orders.getVersions([deleted[0]!])).get(deleted[0]!)).toMatchObject({ deletedAt, updatedAt: deletedAt });
      expect(await orders.readRecord(deleted[0]!)).toBeNull();
    } finally {
      close();
    }
    // The next incremental's window overlaps the last one: the feed lists them again, and nothing is counted twice.
    expect((await run('incremental')).counts.deleted).toBe(0);
    await expectExactCopy();
  });

  it('deleted during a full resync: none live after the resync and the next incremental run, the counter exact', async () => {
    stack.fake!.setLiveDeletionShare(0.8);
    stack.fake!.setLiveRate(40);
    try {
      await run('full');
    } finally {
      stack.fake!.setLiveRate(0);
      stack.fake!.setLiveDeletionShare(0);
    }
    expect(stack.fake!.stats().deleted).toBeGreaterThan(20);
    await run('incremental');
    await expectExactCopy();
  });

  it('deleted past the feed retention: only the full resync reconciliation finds them; with it off they stay live', async () => {
    const gone = stack
      .fake!.truth()
      .filter((_, index) => index % 131 === 5)
      .map((order) => order.id);
    stack.fake!.deleteOrders(gone);
    stack.fake!.dropDeletionsBefore(stack.fake!.now());

    await setReconcile(false);
    try {
      const unreconciled = await run('full');
      expect(unreconciled.counts.deleted).toBe(0);
      const differences = await copyDifferences(stack);
      expect(differences.extra.sort()).toEqual([...gone].sort());
      expect((await syncState(stack)).orderCount).toBe(stack.fake!.truth().length + gone.length);
    } finally {
      await setReconcile(true);
    }

    const reconciled = await run('full');
    expect(reconciled.counts.deleted).toBe(gone.length);
    await expectExactCopy();
    for (const id of gone) expect(await tombstonedIds()).toContain(id);
  });
});

describe('deleted orders on Shopify (order destroy events, nodes(ids:) for reconciliation)', () => {
  const SHOP_ORDERS = 400;
  let fake: FakeShopify;
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: { shop: { orders: SHOP_ORDERS, seed: 16 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 }, bulkRate: 1e6 },
      env: { PAGE_SIZE: '100' },
      waitMs: 0,
    });
    fake = stack.fakeShopify!;
  });
  afterAll(() => stack?.stop());

  async function run(mode: 'full' | 'incremental'): Promise<RunOutcome> {
    const last = lastOf(await runChain(stack, { mode, trigger: 'test' }));
    expect(last.status).toBe('SUCCEEDED');
    return last.output as RunOutcome;
  }

  /** The live orders of the copy are exactly the shop's, and the counter says how many. */
  async function expectExactCopy(): Promise<void> {
    const live = [...(await storedVersions(stack)).values()].filter((version) => version.deletedAt === null).map((version) => version.id);
    const shop = fake.truth().map((version) => version.id);
    expect(live.sort()).toEqual(shop.sort());
    expect((await syncState(stack)).orderCount).toBe(shop.length);
  }

  it('an incremental run tombstones the orders destroyed since the last run; a full resync those past the feed', async () => {
    await run('full');
    await expectExactCopy();

    const ids = fake.shop.truth().map((order) => order.id);
    fake.shop.deleteOrders(ids.slice(0, 7));
    expect((await run('incremental')).counts.deleted).toBe(7);
    await expectExactCopy();

    fake.shop.deleteOrders(ids.slice(7, 12));
    fake.shop.dropDeletionsBefore(fake.shop.now());
    expect((await run('full')).counts.deleted).toBe(5);
    await expectExactCopy();
  });
});
