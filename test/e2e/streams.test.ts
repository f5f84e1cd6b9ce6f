// Products and customers end to end on the reference contract (docs/design.md "Streams"): each stream's full resync
// through its own route while the shop changes under it (live changes and deletions), then incremental runs after
// changes, creations and deletions; after each run the stream's copy is exact, its status section counts it, and the
// orders stream is untouched. Synthesized definition, real handlers behind their roles, dynalite, the fake source API.
import type { StreamName } from '../../functions/core/stream';
import type { SyncStatus } from '../../functions/core/status';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, copyTableIds, storedVersions, syncState } from '../support/e2e';
import { invokeApi } from '../support/reliability';

const RECORDS = 300;

// One stack for both streams: each stream's runs touch only its own table and state, which its tests check.
let stack: E2eStack;

beforeAll(async () => {
  stack = await startE2eStack({
    fake: { orders: 20, products: RECORDS, customers: RECORDS, seed: 23 },
    env: { PAGE_SIZE: '50', STREAMS: 'orders,products,customers' },
    withTriggers: true,
  });
});
afterAll(() => stack?.stop());

describe.each(['products', 'customers'] as const)('the %s stream end to end', (stream: StreamName) => {
  /** Starts a run through the stream's route and waits for its whole chain; the last execution's output. */
  async function viaRoute(path: string): Promise<Record<string, unknown>> {
    const answer = await invokeApi(stack, 'POST', path);
    expect(answer.statusCode).toBe(202);
    const accepted = JSON.parse(answer.body) as { run_id: string; execution: { arn: string; name: string } };
    expect(accepted.execution.name.startsWith(`${stream}-`)).toBe(true);
    const chain = await stack.machine.waitForChain(accepted.execution.arn);
    const last = chain[chain.length - 1]!;
    expect(last.status).toBe('SUCCEEDED');
    return last.output as Record<string, unknown>;
  }

  async function expectExactCopy(): Promise<void> {
    const live = stack.fake.stream(stream).truth().length;
    expect(await copyDifferences(stack, stream)).toEqual({ missing: [], stale: [], extra: [], sourceCount: live });
    expect((await syncState(stack, stream)).orderCount).toBe(live);
    const status = JSON.parse((await invokeApi(stack, 'GET', '/api/sync/status')).body) as SyncStatus;
    expect(status[stream].count).toBe(live);
    expect(Object.keys(status)).toEqual(['orders', 'products', 'customers']);
  }

  it('a full resync through its route while the shop changes, then an incremental run: the copy exact', async () => {
    const controls = stack.fake.stream(stream);
    controls.setLiveDeletionShare(0.2);
    controls.setLiveRate(40);
    const full = await viaRoute(`/api/sync/${stream}/full`);
    controls.setLiveRate(0);
    expect(full).toMatchObject({ status: 'succeeded', stream, mode: 'full' });
    expect(controls.deletions().length).toBeGreaterThan(0);

    // The changes the resync's window closed before are the next run's.
    expect(await viaRoute(`/api/sync/${stream}`)).toMatchObject({ status: 'succeeded', stream, mode: 'incremental' });
    await expectExactCopy();
    expect(await copyTableIds(stack, 'orders')).toEqual([]);
  });

  it('changes, creations and deletions between runs reach the copy on the next incremental run; deleted ones as tombstones', async () => {
    const controls = stack.fake.stream(stream);
    const ids = controls.truth().map((record) => record.id);
    const { created } = controls.mutate({ updates: ids.slice(0, 25), creates: 10 });
    const gone = ids.slice(30, 38);
    controls.delete(gone);

    const incremental = await viaRoute(`/api/sync/${stream}`);

    expect(incremental).toMatchObject({ status: 'succeeded', counts: { inserted: 10, updated: 25, deleted: gone.length } });
    await expectExactCopy();
    const stored = await storedVersions(stack, stream);
    for (const id of gone) expect(stored.get(id)?.deletedAt).not.toBeNull();
    for (const id of created) expect(stored.get(id)?.deletedAt).toBeNull();
    expect((await syncState(stack, 'orders')).checkpoint).toBeNull();
  });
});
