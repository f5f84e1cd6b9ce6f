// Use case "commit", over in-memory ports: the checkpoint moves to the window's upper bound with the run's outcome,
// the lease goes, a retried commit changes nothing, and a run that lost its lease cannot move the checkpoint. Its
// outcome names the orders quarantined since the previous commit, each once, for the state machine to announce.
import { LeaseLostError, SalesDaysLeftError } from '../../../functions/core/errors';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { recordFailure } from '../../../functions/core/use-cases/record-failure';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { InMemoryTouchedDaysStore } from '../../support/in-memory-stores';
import { aCheckpoint, aLease } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

async function syncedRun(
  world: ReturnType<typeof useCaseWorld>,
  mode: 'full' | 'incremental' = 'full',
  runId = `${mode}-test-r1`,
): Promise<RunState> {
  const event = {
    input: { mode, trigger: 'test', runId },
    executionName: `${runId}-p1`,
    executionArn: 'arn',
  } as const;
  let state = (await beginRun(world.deps.begin, event)) as RunState;
  while (!state.done) state = await syncPage(world.deps.syncPage, state);
  return state;
}

describe('commit', () => {
  it("moves the checkpoint to the window's upper bound, not the clock at commit, records the outcome and frees the stream", async () => {
    const world = useCaseWorld({ orders: 6, pageSize: 4 });
    const synced = await syncedRun(world);
    world.advance(90_000);

    const outcome = await commitRun(world.deps.commit, synced);

    const state = await world.state.get(STREAM);
    expect(state.checkpoint).toMatchObject({
      watermark: synced.run.window.to,
      isFullSync: true,
      recordsSynced: 6,
      lastRecordTime: '2026-01-01T11:00:00.000000Z',
    });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      pages: 2,
      counts: { inserted: 6 },
      watermark: synced.run.window.to,
      orderCount: 6,
      durationSeconds: 90,
    });
    expect(state).toMatchObject({ lease: null, run: null, lastRun: outcome, orderCount: 6 });
  });

  it('keeps the checkpoint creation time and never moves the watermark back', async () => {
    const world = useCaseWorld({ orders: 2 });
    const later = aCheckpoint({ watermark: '2026-01-01T13:00:00.000000Z', createdAt: '2025-06-01T00:00:00.000000Z' });
    world.state.put(STREAM, { checkpoint: later });
    const synced = await syncedRun(world);

    await commitRun(world.deps.commit, synced);

    expect((await world.state.get(STREAM)).checkpoint).toMatchObject({ watermark: later.watermark, createdAt: later.createdAt });
  });

  it('retried after it committed (its answer was lost): answers the same outcome and changes nothing', async () => {
    const world = useCaseWorld({ orders: 2 });
    const synced = await syncedRun(world);
    const first = await commitRun(world.deps.commit, synced);
    const committed = await world.state.get(STREAM);
    world.advance(5_000);

    expect(await commitRun(world.deps.commit, synced)).toEqual(first);
    expect(await world.state.get(STREAM)).toEqual(committed);
  });

  it('by a run whose lease was taken over: LeaseLostError, and the checkpoint does not move', async () => {
    const world = useCaseWorld({ orders: 2 });
    const synced = await syncedRun(world);
    world.advance(16 * 60_000);
    await world.state.acquireLease(STREAM, aLease({ owner: 'full-http-other', expiresAt: world.now() + 60_000 }), world.now());

    await expect(commitRun(world.deps.commit, synced)).rejects.toThrow(LeaseLostError);

    expect((await world.state.get(STREAM)).checkpoint).toBeNull();
  });
});

describe('commit, the daily sales days left', () => {
  it('reads the touched days of the stream that keeps them, once, and commits when none is left; another stream reads none', async () => {
    const world = useCaseWorld({ orders: 2 });
    const touched = new InMemoryTouchedDaysStore();
    const reads: string[] = [];
    world.deps.commit.sales = { stream: STREAM, touched: { touched: async (stream) => (reads.push(stream), touched.touched(stream)) } };

    expect((await commitRun(world.deps.commit, await syncedRun(world))).status).toBe('succeeded');
    expect(reads).toEqual([STREAM]);

    world.deps.commit.sales = {
      stream: 'customers',
      touched: { touched: async (stream) => (reads.push(stream), touched.touched(stream)) },
    };
    world.advance(60_000);
    await commitRun(world.deps.commit, await syncedRun(world, 'incremental'));
    expect(reads).toEqual([STREAM]);
  });

  it('with a day left: saves the run back at the sales phase under the lease, throws SalesDaysLeftError, commits nothing', async () => {
    const world = useCaseWorld({ orders: 2 });
    const touched = new InMemoryTouchedDaysStore();
    world.deps.commit.sales = { stream: STREAM, touched };
    const synced = await syncedRun(world);
    await touched.touch(STREAM, ['2026-03-08', '2026-03-09']);
    const before = await world.state.get(STREAM);

    await expect(commitRun(world.deps.commit, synced)).rejects.toThrow(
      /2 daily sales day\(s\) touched after its sales phase \(2026-03-08, 2026-03-09\): not committed, sent back to the sales phase/,
    );

    const after = await world.state.get(STREAM);
    expect(after.run!.position).toEqual({ phase: 'sales', cursor: null, step: synced.run.position.step + 1 });
    expect(after).toMatchObject({ checkpoint: null, lastRun: before.lastRun, lease: before.lease, orderCount: before.orderCount });
    await expect(commitRun(world.deps.commit, synced)).rejects.toThrow(SalesDaysLeftError);
  });
});

describe('commit, the orders quarantined since the previous commit', () => {
  const broken = (id: string, field: string) => ({ field, message: `order ${id}: field "${field}" is broken on purpose` });

  it('names those this run set aside, and no more once a later run meets them still broken', async () => {
    const world = useCaseWorld({ orders: 8, pageSize: 4 });
    world.shop.broken.set('ord_0000002', broken('ord_0000002', 'total_price'));
    world.shop.broken.set('ord_0000007', broken('ord_0000007', 'created_at'));

    const first = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r1'));

    expect(first.newlyQuarantined).toEqual({
      count: 2,
      orders: [
        { id: 'ord_0000002', field: 'total_price', message: 'order ord_0000002: field "total_price" is broken on purpose' },
        { id: 'ord_0000007', field: 'created_at', message: 'order ord_0000007: field "created_at" is broken on purpose' },
      ],
      listing: [
        '- ord_0000002 (total_price): order ord_0000002: field "total_price" is broken on purpose',
        '- ord_0000007 (created_at): order ord_0000007: field "created_at" is broken on purpose',
      ].join('\n'),
    });
    expect((await world.state.get(STREAM)).lastRun).toEqual(first);

    // A second full resync meets both still broken, and one more broken since.
    world.advance(60_000);
    world.shop.broken.set('ord_0000005', broken('ord_0000005', 'order_number'));
    const second = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r2'));

    expect(second.counts.quarantined).toBe(3);
    expect(second.newlyQuarantined).toMatchObject({ count: 1, orders: [{ id: 'ord_0000005', field: 'order_number' }] });

    // And a third, with nothing new: no announcement at all.
    world.advance(60_000);
    const third = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r3'));

    expect(third.counts.quarantined).toBe(3);
    expect(third).not.toHaveProperty('newlyQuarantined');
  });

  it('an order released and quarantined again is new again', async () => {
    const world = useCaseWorld({ orders: 4, pageSize: 4 });
    world.shop.broken.set('ord_0000003', broken('ord_0000003', 'total_price'));
    await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r1'));
    world.advance(60_000);
    world.shop.fixOrder('ord_0000003', '2026-01-01T11:10:00Z');
    const released = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r2'));
    expect(released.counts.quarantined).toBe(0);
    world.advance(60_000);

    world.shop.breakOrder('ord_0000003', 'financial_status', '2026-01-01T11:20:00Z');
    const again = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r3'));

    expect(released).not.toHaveProperty('newlyQuarantined');
    expect(again.newlyQuarantined).toMatchObject({ count: 1, orders: [{ id: 'ord_0000003', field: 'financial_status' }] });
  });

  it('names what a failed run set aside at the next commit, and lists the newest 20 of more with how many more', async () => {
    const world = useCaseWorld({ orders: 30, pageSize: 10 });
    await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r0'));
    world.advance(60_000);
    for (let n = 1; n <= 25; n++) world.shop.broken.set(`ord_${String(n).padStart(7, '0')}`, broken(`ord_${n}`, 'total_price'));
    let failing = await beginRun(world.deps.begin, {
      input: { mode: 'full', trigger: 'test', runId: 'full-test-r1' },
      executionName: 'full-test-r1-p1',
      executionArn: 'arn',
    });
    failing = await syncPage(world.deps.syncPage, failing as RunState);
    await recordFailure(world.deps.recordFailure, { ...(failing as RunState), error: { Error: 'SourceUnavailableError', Cause: 'down' } });
    world.advance(60_000);

    const next = await commitRun(world.deps.commit, await syncedRun(world, 'full', 'full-test-r2'));

    expect(next.newlyQuarantined?.count).toBe(25);
    expect(next.newlyQuarantined?.orders).toHaveLength(20);
    expect(next.newlyQuarantined?.listing.split('\n')).toHaveLength(21);
    expect(next.newlyQuarantined?.listing).toMatch(/\n- and 5 more$/);
  });
});
