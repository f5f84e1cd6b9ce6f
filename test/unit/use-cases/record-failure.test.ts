// Use case "record failure", over in-memory ports: the caught error goes on the saved run, which stays for a resume,
// the lease goes, the checkpoint stays; a run whose lease was taken over writes nothing.
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { recordFailure } from '../../../functions/core/use-cases/record-failure';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { aCheckpoint, aLease } from '../../support/run-factory';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

const CAUGHT = {
  Error: 'SourceAuthError',
  Cause: JSON.stringify({ errorType: 'SourceAuthError', errorMessage: 'the orders API refused the token (401)' }),
};

async function runAtPage2(world: ReturnType<typeof useCaseWorld>): Promise<RunState> {
  const event = {
    input: { mode: 'full', trigger: 'test', runId: 'full-test-r1' },
    executionName: 'full-test-r1-p1',
    executionArn: 'arn',
  } as const;
  let state = (await beginRun(world.deps.begin, event)) as RunState;
  for (let page = 0; page < 2; page++) state = await syncPage(world.deps.syncPage, state);
  return state;
}

describe('record failure', () => {
  it('puts the error, with its page, on the saved run kept for a resume; releases the lease; the checkpoint stays', async () => {
    const world = useCaseWorld({ orders: 20, pageSize: 4 });
    const checkpoint = aCheckpoint();
    world.state.put(STREAM, { checkpoint });
    const atPage2 = await runAtPage2(world);

    const outcome = await recordFailure(world.deps.recordFailure, { ...atPage2, error: CAUGHT });

    const state = await world.state.get(STREAM);
    const error = { name: 'SourceAuthError', message: 'the orders API refused the token (401)', page: 2, at: expect.any(String) };
    expect(state.run).toMatchObject({ runId: 'full-test-r1', pages: 2, position: atPage2.run.position, status: 'failed', error });
    expect(state).toMatchObject({ lease: null, checkpoint, lastRun: outcome, orderCount: 8 });
    expect(outcome).toMatchObject({ status: 'failed', pages: 2, error, watermark: checkpoint.watermark });
    expect(world.lines).toContainEqual(expect.objectContaining({ level: 'error', message: 'run failed' }));
  });

  it('by a run whose lease was taken over: writes nothing and says why, the new holder keeps the stream', async () => {
    const world = useCaseWorld({ orders: 20, pageSize: 4 });
    const atPage2 = await runAtPage2(world);
    world.advance(16 * 60_000);
    const other = aLease({ owner: 'full-http-other', expiresAt: world.now() + 60_000 });
    await world.state.acquireLease(STREAM, other, world.now());

    await recordFailure(world.deps.recordFailure, { ...atPage2, error: CAUGHT });

    const state = await world.state.get(STREAM);
    expect(state).toMatchObject({ lease: other, lastRun: null, run: { status: 'running' } });
    expect(world.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'failure not recorded: the lease is no longer ours' }),
    );
  });
});
