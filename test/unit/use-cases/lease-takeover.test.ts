// Taking over the lease of a run whose execution was stopped, over in-memory ports (issue 24, item 3): a page step of
// that execution may still be running and writing; the next trigger waits until none can be, so the counter is exact.
import type { Order } from '../../../functions/core/order';
import { RunInProgressError } from '../../../functions/core/errors';
import type { ExecutionStarter, ExecutionState, RecordWrite } from '../../../functions/core/ports';
import type { RunState } from '../../../functions/core/run-state';
import { beginRun } from '../../../functions/core/use-cases/begin-run';
import { commitRun } from '../../../functions/core/use-cases/commit-run';
import { startRun, type StartDeps, type StartedRun } from '../../../functions/core/use-cases/start-run';
import { syncPage } from '../../../functions/core/use-cases/sync-page';
import { syncStep } from '../../../functions/core/use-cases/sync-step';
import { STREAM, useCaseWorld } from '../../support/use-case-harness';

const STEP_TIMEOUT_MS = 60_000;

function worldWithStarter() {
  const world = useCaseWorld({ orders: 10, pageSize: 4 });
  const executions = new Map<string, ExecutionState>();
  const starter: ExecutionStarter = {
    async start(name) {
      executions.set(name, { status: 'RUNNING', stoppedAtMs: null });
      return { executionArn: `arn:${name}`, executionName: name, startDate: new Date(world.now()).toISOString() };
    },
    async status(name) {
      return executions.get(name) ?? null;
    },
  };
  const start: StartDeps = {
    settings: { stream: STREAM, leaseMs: 15 * 60_000, overlapMs: 5 * 60_000, stepTimeoutMs: STEP_TIMEOUT_MS },
    state: world.state,
    starter,
    clock: world.now,
    log: world.deps.begin.log,
  };
  const begin = async (started: StartedRun, resume: boolean) =>
    (await beginRun(world.deps.begin, {
      input: { stream: STREAM, mode: started.mode, trigger: 'http', resume, runId: started.runId },
      executionName: started.executionName,
      executionArn: started.executionArn,
    })) as RunState;
  return { world, executions, start, begin };
}

describe('a trigger after an execution was stopped while its page step ran', () => {
  it('waits until no step of it can run, and the counter is exact whatever that late step wrote', async () => {
    const { world, executions, start, begin } = worldWithStarter();
    const first = await startRun(start, { mode: 'full', trigger: 'http', resume: false });
    const page0 = await syncPage(world.deps.syncPage, await begin(first, false));
    // Page 1's step has claimed its orders and is about to write them when its execution is stopped.
    let releaseWrite!: () => void;
    const writeHeld = new Promise<void>((resolve) => (releaseWrite = resolve));
    let atWrite!: () => void;
    const reachedWrite = new Promise<void>((resolve) => (atWrite = resolve));
    const put = world.orders.putRecords.bind(world.orders);
    world.orders.putRecords = async (writes: readonly RecordWrite<Order>[]) => {
      atWrite();
      await writeHeld;
      return put(writes);
    };
    const lateStep = syncPage(world.deps.syncPage, page0).catch((error: unknown) => error);
    await reachedWrite;
    executions.set(first.executionName, { status: 'ABORTED', stoppedAtMs: world.now() });
    world.advance(1_000);

    await expect(startRun(start, { mode: 'full', trigger: 'http', resume: true })).rejects.toThrow(RunInProgressError);

    world.orders.putRecords = put;
    releaseWrite();
    await lateStep;
    world.advance(STEP_TIMEOUT_MS);
    const second = await startRun(start, { mode: 'full', trigger: 'http', resume: true });
    let state = await begin(second, true);
    while (!state.done) state = await syncStep(world.deps.syncPage, state);
    const outcome = await commitRun(world.deps.commit, state);

    expect(world.orders.items.size).toBe(10);
    expect((await world.state.get(STREAM)).orderCount).toBe(10);
    expect(outcome).toMatchObject({ orderCount: 10, counts: { inserted: 10 } });
  });
});
