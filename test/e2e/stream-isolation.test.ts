// One stream's trouble stays its own (docs/design.md "Streams"): a stream whose source fails, one with records
// quarantined, and one with a parked full resync each leave the other streams' scheduled runs running and their
// copies exact. One stack, three small streams, the schedule's trigger starting every stream's run at each tick.
import type { StreamName } from '../../functions/core/stream';
import type { SyncStatus } from '../../functions/core/status';
import type { ExecutionRecord } from '../../local/aws/state-machine/local-state-machine';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, syncState } from '../support/e2e';
import { invokeApi, tickEveryStream, waitUntil } from '../support/reliability';

const RECORDS = 200;
const PAGE_SIZE = 20;

describe('streams side by side', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      fake: { orders: RECORDS, products: RECORDS, customers: RECORDS, seed: 41 },
      env: { PAGE_SIZE: String(PAGE_SIZE), STREAMS: 'orders,products,customers' },
    });
  });
  afterAll(() => stack?.stop());

  /** One scheduled tick: each stream's start answer, and the chains of the runs it started, by stream. */
  async function tick(): Promise<Partial<Record<StreamName, ExecutionRecord[]>>> {
    const ticks = await tickEveryStream(stack);
    const chains = await Promise.all(
      Object.entries(ticks).map(async ([stream, answer]) =>
        answer?.started ? ([stream, await stack.machine.waitForChain(String(answer.executionArn))] as const) : null,
      ),
    );
    return Object.fromEntries(chains.filter((entry) => entry !== null));
  }

  async function status(): Promise<SyncStatus> {
    return JSON.parse((await invokeApi(stack, 'GET', '/api/sync/status')).body) as SyncStatus;
  }

  async function expectExact(stream: StreamName, quarantined = 0): Promise<void> {
    const differences = await copyDifferences(stack, stream);
    expect(differences.missing).toHaveLength(quarantined);
    expect({ ...differences, missing: [] }).toEqual({ missing: [], stale: [], extra: [], sourceCount: differences.sourceCount });
  }

  function succeeded(chain: ExecutionRecord[] | undefined): boolean {
    return chain !== undefined && chain.every((execution) => execution.status === 'SUCCEEDED');
  }

  it("a stream whose source fails: its run fails, the others' runs succeed and their copies are exact", async () => {
    const products = stack.fake.stream('products');
    const broken = products.truth()[Math.floor(RECORDS / 2)]!.id;
    products.breakPagesOf(broken, true);

    const chains = await tick();

    expect(succeeded(chains.orders)).toBe(true);
    expect(succeeded(chains.customers)).toBe(true);
    expect(chains.products?.at(-1)?.status).toBe('FAILED');
    await expectExact('orders');
    await expectExact('customers');
    const now = await status();
    expect(now.products.last_run).toMatchObject({ status: 'failed', error: { name: 'InvalidPageError' } });
    expect(now.orders.last_run).toMatchObject({ status: 'succeeded' });
    expect(now.customers.last_run).toMatchObject({ status: 'succeeded' });

    // Fixed at the source, the failed resync is resumed by hand and ends exact.
    products.breakPagesOf(broken, false);
    const resumed = await invokeApi(stack, 'POST', '/api/sync/products/full', { resume: 'true' });
    expect(resumed.statusCode).toBe(202);
    const chain = await stack.machine.waitForChain(JSON.parse(resumed.body).execution.arn);
    expect(succeeded(chain)).toBe(true);
    await expectExact('products');
  }, 120_000);

  it('a stream with records quarantined: they are set aside and shown under their stream; the other streams store everything', async () => {
    const customers = stack.fake.stream('customers');
    const bad = customers
      .truth()
      .slice(0, 2)
      .map((customer) => customer.id);
    customers.mutate({ updates: bad });
    for (const id of bad) customers.corrupt(id, { total_spent: 12.5 });
    stack.fake.stream('orders').mutate({ creates: 5 });
    stack.fake.stream('products').mutate({ creates: 5 });

    const chains = await tick();

    for (const stream of ['orders', 'products', 'customers'] as const) expect(succeeded(chains[stream])).toBe(true);
    const now = await status();
    expect(now.customers.quarantined.count).toBe(2);
    expect(now.customers.quarantined.orders.map((entry) => entry.id).sort()).toEqual([...bad].sort());
    expect(now.orders.quarantined.count).toBe(0);
    expect(now.products.quarantined.count).toBe(0);
    await expectExact('orders');
    await expectExact('products');
    // The copy keeps their older valid versions: stale, not missing, until the source fixes them.
    expect((await copyDifferences(stack, 'customers')).stale.sort()).toEqual([...bad].sort());

    for (const id of bad) customers.corrupt(id, null);
    customers.mutate({ updates: bad });
    expect(succeeded((await tick()).customers)).toBe(true);
    await expectExact('customers');
    expect((await status()).customers.quarantined.count).toBe(0);
  }, 120_000);

  it('a stream with a parked full resync: the schedule parks it and goes on with every stream, and a resume ends exact', async () => {
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/products/full')).body) as { run_id: string };
    await waitUntil('the products resync has saved 2 pages', async () => ((await syncState(stack, 'products')).run?.pages ?? 0) >= 2);
    await stack.stopExecutions();
    stack.fake.stream('orders').mutate({ creates: 3 });
    stack.fake.stream('customers').mutate({ creates: 3 });

    const chains = await tick();

    for (const stream of ['orders', 'products', 'customers'] as const) expect(succeeded(chains[stream])).toBe(true);
    expect((await syncState(stack, 'products')).parked?.run.runId).toBe(started.run_id);
    expect((await status()).products.resumable).toMatchObject({ run_id: started.run_id });
    await expectExact('orders');
    await expectExact('customers');

    const resumed = await invokeApi(stack, 'POST', '/api/sync/products/full', { resume: 'true' });
    const chain = await stack.machine.waitForChain(JSON.parse(resumed.body).execution.arn);
    expect(chain.at(-1)?.output).toMatchObject({ runId: started.run_id, status: 'succeeded' });
    await expectExact('products');
    expect((await syncState(stack, 'products')).parked).toBeNull();
  }, 120_000);
});
