// One bad order never stops the stream (docs/source-contract.md "An order that breaks these rules"): a shop of a few
// thousand orders with four that break the contract, through the HTTP connector and through the Shopify one. The
// full resync succeeds and stores every other order exactly; the status lists the four with their fields; once the
// source fixes them, the next incremental run stores them and empties the quarantine. The operators' topic hears of
// the four once, in the message the state machine publishes after the full resync's commit.
import type { RunOutcome } from '../../functions/core/run-types';
import type { SyncStatus } from '../../functions/core/status';
import type { FakeShopify } from '../../local/fakes/shopify';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { orderGid } from '../../local/fakes/shopify/translate';
import { storedVersions, syncState } from '../support/e2e';
import { compareCopy, exactCopyOf, invokeApi, runToEnd } from '../support/reliability';

/** The four breaches: a float price, an unknown financial status, a negative order number, a created_at that is no timestamp. */
const BREACHES: ReadonlyArray<Record<string, unknown>> = [
  { total_price: 129.95 },
  { financial_status: 'frobnicated' },
  { order_number: -1001 },
  { created_at: 'yesterday' },
];

async function status(stack: E2eStack): Promise<SyncStatus> {
  const answer = await invokeApi(stack, 'GET', '/api/sync/status');
  expect(answer.statusCode).toBe(200);
  return JSON.parse(answer.body) as SyncStatus;
}

/** The ids spread over the shop: one early, two in the middle, one near the end of the full walk. */
function spreadIds(truth: ReadonlyArray<{ id: string }>): string[] {
  return [0.02, 0.4, 0.41, 0.97].map((share) => truth[Math.floor(truth.length * share)]!.id);
}

describe('quarantine through the HTTP connector', () => {
  const ORDERS = 3_000;
  let stack: E2eStack;
  /** What the operators' topic got, as the local stack records it. */
  const notifications: Array<{ text: string; subject: string | undefined; execution: string }> = [];

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 1414 },
      env: { PAGE_SIZE: '250' },
      operations: { notification: (text, execution, subject) => void notifications.push({ text, subject, execution: execution.name }) },
    });
  });
  afterAll(() => stack?.stop());

  it('a full resync sets the four aside and stores every other order exactly; the next incremental stores them once fixed', async () => {
    const fake = stack.fake!;
    const badIds = spreadIds(fake.truth());
    badIds.forEach((id, n) => fake.corruptOrder(id, BREACHES[n]!));

    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    expect(full.status).toBe('SUCCEEDED');
    expect((full.output as RunOutcome).counts).toEqual({
      fetched: ORDERS,
      inserted: ORDERS - 4,
      updated: 0,
      unchanged: 0,
      stale: 0,
      quarantined: 4,
      deleted: 0,
    });
    const afterFull = await compareCopy(stack);
    expect({ ...afterFull, missing: [...afterFull.missing].sort() }).toEqual({
      ...exactCopyOf(ORDERS),
      missing: [...badIds].sort(),
      storedCount: ORDERS - 4,
      orderCount: ORDERS - 4,
    });
    const listed = (await status(stack)).orders.quarantined;
    expect(listed.count).toBe(4);
    expect(Object.fromEntries(listed.orders.map((order) => [order.id, order.field]))).toEqual({
      [badIds[0]!]: 'total_price',
      [badIds[1]!]: 'financial_status',
      [badIds[2]!]: 'order_number',
      [badIds[3]!]: 'created_at',
    });
    for (const order of listed.orders) {
      expect(order).toMatchObject({ id_from_payload: false, behind: false, raw_kept: true });
      expect(order.message).toContain(`order ${order.id}: field "${order.field}"`);
    }
    // The topic got one message naming the four, from the state machine after the commit: its subject and text.
    expect(notifications).toHaveLength(1);
    const [announced] = notifications;
    const outcome = full.output as RunOutcome;
    expect(announced).toMatchObject({ subject: 'order-sync orders: orders newly quarantined: 4', execution: full.name });
    expect(announced!.text).toContain(`order-sync orders: orders newly quarantined since the previous commit: 4.`);
    expect(announced!.text).toContain(`Run ${outcome.runId}, execution ${outcome.executionName}:`);
    const listedLines = announced!.text.split('\n').filter((line) => line.startsWith('- '));
    expect(listedLines.sort()).toEqual(listed.orders.map((order) => `- ${order.id} (${order.field}): ${order.message}`).sort());
    expect(announced!.text).toContain('GET /api/sync/status');
    expect(full.output).not.toHaveProperty('notificationError');

    // The source fixes them: served valid again, each with a new updated_at.
    for (const id of badIds) fake.corruptOrder(id, null);
    fake.mutate({ updates: badIds });
    const incremental = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(incremental.status).toBe('SUCCEEDED');
    expect((incremental.output as RunOutcome).counts).toMatchObject({ inserted: 4, updated: 0, stale: 0, quarantined: 0, deleted: 0 });
    expect(await compareCopy(stack)).toEqual(exactCopyOf(ORDERS));
    expect((await status(stack)).orders.quarantined).toEqual({ count: 0, orders: [] });
    expect((await syncState(stack)).orderCount).toBe(ORDERS);
    // Released, nothing newly quarantined: no second message.
    expect(incremental.output).not.toHaveProperty('newlyQuarantined');
    expect(notifications).toHaveLength(1);
  });
});

describe('quarantine through the Shopify connector', () => {
  const ORDERS = 2_000;
  let fake: FakeShopify;
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      shopify: {
        shop: { orders: ORDERS, seed: 1415 },
        bucket: { maximumAvailable: 1e7, restoreRate: 1e7 },
        // The export at once: what is tested is the quarantine, not the wait for Shopify's export.
        bulkRate: 1e6,
      },
      env: { PAGE_SIZE: '100' },
    });
    fake = stack.fakeShopify!;
  });
  afterAll(() => stack?.stop());

  /** Every order of the shop stored at its version, but `except`. */
  async function expectStoredExactly(except: readonly string[]): Promise<void> {
    const stored = await storedVersions(stack);
    const expected = fake.truth().filter(({ id }) => !except.includes(id));
    expect(stored.size).toBe(expected.length);
    expect(expected.filter(({ id, updated_at }) => stored.get(id)?.updatedAt !== updated_at).map(({ id }) => id)).toEqual([]);
    expect((await syncState(stack)).orderCount).toBe(expected.length);
  }

  it('a node the mapping cannot take is set aside like a broken order; fixed at the shop, the next incremental stores it', async () => {
    const referenceIds = spreadIds(fake.shop.truth());
    // Shopify's schema has no unknown financial status (an unknown one reads as null, which is valid): its second
    // breach is a currency code that is no ISO 4217 code.
    const shopifyBreaches = [BREACHES[0]!, { currency: 'dollars' }, BREACHES[2]!, BREACHES[3]!];
    referenceIds.forEach((id, n) => fake.shop.corruptOrder(id, shopifyBreaches[n]!));
    const gids = referenceIds.map(orderGid);

    const full = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    expect(full.status).toBe('SUCCEEDED');
    expect((full.output as RunOutcome).counts).toEqual({
      fetched: ORDERS,
      inserted: ORDERS - 4,
      updated: 0,
      unchanged: 0,
      stale: 0,
      quarantined: 4,
      deleted: 0,
    });
    await expectStoredExactly(gids);
    const listed = (await status(stack)).orders.quarantined;
    expect(listed.count).toBe(4);
    // Named as Shopify names them: the Shopify field that broke the rule.
    expect(Object.fromEntries(listed.orders.map((order) => [order.id, order.field]))).toEqual({
      [gids[0]!]: 'totalPriceSet.shopMoney.amount',
      [gids[1]!]: 'totalPriceSet.shopMoney.currencyCode',
      [gids[2]!]: 'number',
      [gids[3]!]: 'createdAt',
    });

    for (const id of referenceIds) fake.shop.corruptOrder(id, null);
    fake.shop.mutate({ updates: referenceIds });
    const incremental = await runToEnd(stack, { mode: 'incremental', trigger: 'test' });

    expect(incremental.status).toBe('SUCCEEDED');
    expect((incremental.output as RunOutcome).counts).toMatchObject({ inserted: 4, quarantined: 0, deleted: 0 });
    await expectStoredExactly([]);
    expect((await status(stack)).orders.quarantined).toEqual({ count: 0, orders: [] });
  });
});
