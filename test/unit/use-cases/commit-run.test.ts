// Use case "commit", over in-memory ports: the checkpoint moves to the window's upper bound with the run's outcome,
// the lease goes, a retried commit changes nothing, and a run that lost its lease cannot move the checkpoint.
import { LeaseLostError } from '../../../functions/core/errors';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { aCheckpoint, aLease } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

async function syncedRun(world: ReturnType<typeof useCaseWorld>, mode: 'full' | 'incremental' = 'full'): Promise<RunState> {
  const event = {
    input: { mode, trigger: 'test', runId: `${mode}-test-r1` },
    executionName: `${mode}-test-r1-p1`,
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
