// The send slots every stream of a token reserves from, on dynalite: spaced by the budget whoever reserves, and the
// HTTP sources of three streams sharing them stay within a 2 requests/s budget, where each pacing itself alone does not.
import { DynamoSendSlots } from '../../functions/adapters/dynamodb/send-slots-store';
import { HttpSource } from '../../functions/adapters/source/http-source';
import type { SyncRecord } from '../../functions/core/record';
import type { StreamModel } from '../../functions/core/stream';
import { bindingOf } from '../../functions/streams';
import { startFakeOrdersApi, type FakeOrdersApi } from '../../local/fakes/orders-api';
import { walkWindow } from '../support/fake-api-walk';
import { createTestTables, useDynalite } from '../support/dynalite';

const dynamo = useDynalite();

async function freshSlots(): Promise<DynamoSendSlots> {
  const { syncStateTable } = await createTestTables(dynamo.endpoint);
  return new DynamoSendSlots({ client: dynamo.client, tableName: syncStateTable });
}

describe('DynamoSendSlots', () => {
  it('gives the first request its own time, then queues each next one a spacing behind the last reserved', async () => {
    const slots = await freshSlots();

    expect(await slots.reserve(10_000, 500)).toBe(10_000);
    expect(await slots.reserve(10_000, 500)).toBe(10_500);
    expect(await slots.reserve(10_100, 500)).toBe(11_000);
    // Once the queue is behind the clock, a request goes at once again.
    expect(await slots.reserve(20_000, 500)).toBe(20_000);
  });

  it('hands out distinct, evenly spaced times to clients reserving at the same instant', async () => {
    const slots = await freshSlots();

    const reserved = await Promise.all(Array.from({ length: 12 }, () => slots.reserve(50_000, 250)));

    expect([...reserved].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, index) => 50_000 + 250 * index));
  });

  it('a client that has not learnt the budget keeps the spacing another stored; with none stored, a second', async () => {
    const slots = await freshSlots();

    expect(await slots.reserve(1_000, null)).toBe(1_000);
    expect(await slots.reserve(1_000, null)).toBe(2_000);
    expect(await slots.reserve(5_000, 400)).toBe(5_000);
    expect(await slots.reserve(5_000, null)).toBe(5_400);
    expect(await slots.reserve(5_000, null)).toBe(5_800);
  });
});

describe('three streams on one token of 2 requests/s', () => {
  let api: FakeOrdersApi;
  const STREAMS = ['orders', 'products', 'customers'] as const;
  const RECORDS = 120;
  const PAGE = 20;

  beforeEach(async () => {
    api = await startFakeOrdersApi({ orders: RECORDS, products: RECORDS, customers: RECORDS, seed: 7 });
    api.setFaults({ rateLimitPerSecond: 2, rateWindow: 'sliding', retryAfterSeconds: 1 });
  });
  afterEach(() => api.stop());

  function sourceOf(stream: (typeof STREAMS)[number], slots?: DynamoSendSlots): HttpSource<SyncRecord> {
    const model = bindingOf(stream).model as StreamModel<SyncRecord>;
    // Gives up after 5 s of 429s (30 s in the product): enough to tell a stream starved by the others.
    const settings = { baseUrl: api.url, token: api.token, stream: model, maxThrottleWaitMs: 5_000 };
    return new HttpSource({ ...settings, ...(slots ? { sendSlots: slots } : {}) });
  }

  /** Each stream's records read, or its error's name. */
  async function walkAll(sources: HttpSource<SyncRecord>[]): Promise<Array<number | string>> {
    const to = api.now();
    const walks = await Promise.allSettled(sources.map((source) => walkWindow(source, { from: null, to }, PAGE)));
    await Promise.all(sources.map((source) => source.close()));
    return walks.map((walk) => (walk.status === 'fulfilled' ? walk.value.orders.length : (walk.reason as Error).name));
  }

  // Together against alone through the whole stack is test/e2e/shared-budget.test.ts; here, the slots against none.
  it('sharing the send slots, read every record and are refused at most once (a cold start before the budget is known)', async () => {
    const slots = await freshSlots();

    const together = await walkAll(STREAMS.map((stream) => sourceOf(stream, slots)));

    expect(together).toEqual([RECORDS, RECORDS, RECORDS]);
    expect(api.stats().throttled).toBeLessThanOrEqual(1);
  }, 60_000);

  it('each pacing itself alone, are refused again and again (what the shared slots prevent)', async () => {
    await walkAll(STREAMS.map((stream) => sourceOf(stream)));

    expect(api.stats().throttled).toBeGreaterThan(5);
  }, 60_000);
});
