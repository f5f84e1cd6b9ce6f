// Many triggers at once, and executions racing each other into begin, over the real sync-state store on dynalite
// (its conditional writes decide the race) and the real use cases: exactly one run happens, the others are refused
// naming it (a scheduled one skips), and the one run commits an exact copy.
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import { RunInProgressError } from '../../functions/core/errors';
import type { ExecutionState, StartedExecution } from '../../functions/core/ports';
import type { RunState, SkippedRun } from '../../functions/core/run-state';
import { beginRun } from '../../functions/core/use-cases/begin-run';
import { commitRun } from '../../functions/core/use-cases/commit-run';
import { startRun, type StartDeps } from '../../functions/core/use-cases/start-run';
import { syncPage } from '../../functions/core/use-cases/sync-page';
import { createTestTables, useDynalite } from '../support/dynalite';
import { STREAM, useCaseWorld } from '../support/use-case-harness';

const AT_ONCE = 20;
const dynamo = useDynalite();

/** The use cases' world with its sync state in a fresh dynalite table. */
async function worldOnDynalite() {
  const { syncStateTable } = await createTestTables(dynamo.endpoint);
  const state = new DynamoSyncStateStore({ client: dynamo.client, tableName: syncStateTable });
  const world = useCaseWorld({ orders: 30, pageSize: 8 });
  return {
    world,
    state,
    begin: { ...world.deps.begin, state },
    syncPage: { ...world.deps.syncPage, state },
    commit: { ...world.deps.commit, state },
  };
}

/** Step Functions as a trigger sees it: each started execution runs until the test says otherwise. */
class RecordingStarter {
  readonly started: string[] = [];
  async start(name: string): Promise<StartedExecution> {
    this.started.push(name);
    return {
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:OrderSync-sync:${name}`,
      executionName: name,
      startDate: '2026-01-01T12:00:00.000Z',
    };
  }
  async status(name: string): Promise<ExecutionState | null> {
    return this.started.includes(name) ? { status: 'RUNNING', stoppedAtMs: null } : null;
  }
}

it('20 triggers at once from the schedule and HTTP start exactly one run; the others are refused naming it', async () => {
  const { world, state } = await worldOnDynalite();
  const starter = new RecordingStarter();
  let suffix = 0;
  const deps: StartDeps = {
    settings: { stream: STREAM, leaseMs: 15 * 60_000, overlapMs: 5 * 60_000, stepTimeoutMs: 5 * 60_000 },
    state,
    starter,
    clock: world.now,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    random: () => `r${(suffix += 1).toString().padStart(3, '0')}`,
  };

  const answers = await Promise.allSettled(
    Array.from({ length: AT_ONCE }, (_, index) =>
      startRun(deps, {
        mode: index % 3 === 2 ? 'full' : 'incremental',
        trigger: index % 3 === 0 ? 'schedule' : 'http',
        resume: false,
      }),
    ),
  );

  const started = answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  expect(started).toHaveLength(1);
  expect(starter.started).toEqual([started[0]!.executionName]);
  for (const answer of answers.filter((one) => one.status === 'rejected')) {
    expect(answer.reason).toBeInstanceOf(RunInProgressError);
    expect((answer.reason as RunInProgressError).running).toMatchObject({ runId: started[0]!.runId });
  }
  expect((await state.get(STREAM)).lease).toMatchObject({ owner: started[0]!.runId, executionName: started[0]!.executionName });
});

it('20 executions racing into begin: one run commits, scheduled ones skip, the others fail naming the holder', async () => {
  const { world, state, begin, syncPage: pageDeps, commit } = await worldOnDynalite();

  const begun = await Promise.allSettled(
    Array.from({ length: AT_ONCE }, (_, index) => {
      const trigger = index % 2 === 0 ? 'schedule' : 'http';
      const event = {
        input: { mode: 'incremental', trigger },
        executionName: `race-${index}`,
        executionArn: `arn:race-${index}`,
      } as Parameters<typeof beginRun>[1];
      return beginRun(begin, event);
    }),
  );

  const ran = begun.flatMap((answer, index) =>
    answer.status === 'fulfilled' && !(answer.value as SkippedRun).skipped ? [{ index, state: answer.value as RunState }] : [],
  );
  expect(ran).toHaveLength(1);
  const holder = ran[0]!.state;
  begun.forEach((answer, index) => {
    if (index === ran[0]!.index) return;
    if (index % 2 === 0) {
      expect(answer).toMatchObject({ status: 'fulfilled', value: { skipped: true, holder: { owner: holder.run.runId } } });
    } else {
      expect(answer.status).toBe('rejected');
      const reason = (answer as PromiseRejectedResult).reason as RunInProgressError;
      expect(reason).toBeInstanceOf(RunInProgressError);
      expect(reason.message).toContain(`race-${ran[0]!.index}`);
    }
  });

  let running = holder;
  while (!running.done) running = await syncPage(pageDeps, running);
  const outcome = await commitRun(commit, running);

  expect(outcome).toMatchObject({ runId: holder.run.runId, status: 'succeeded', orderCount: world.shop.orders.length });
  const after = await state.get(STREAM);
  expect(after.lease).toBeNull();
  expect(after.lastRun).toMatchObject({ runId: holder.run.runId, status: 'succeeded' });
  expect([...world.orders.items.keys()].sort()).toEqual(world.shop.orders.map((order) => order.id).sort());
});
