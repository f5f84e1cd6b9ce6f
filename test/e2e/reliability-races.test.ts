// Many triggers at once, from the schedule and HTTP (through the local Step Functions endpoint), and executions
// racing each other into begin: exactly one run happens, the others are refused (409) or skipped, the copy is exact.
import type { RunOutcome } from '../../functions/core/run-types';
import { syncState } from '../support/e2e';
import { expectExactCopy, invokeApi, tickSchedule } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 1_000;
const AT_ONCE = 20;

describe('many triggers at once', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      fake: { orders: ORDERS, seed: 61 },
      env: { PAGE_SIZE: '100', MAX_PAGES_PER_EXECUTION: '4' },
    });
  });
  afterAll(() => stack?.stop());

  it('20 at once from the schedule and HTTP start exactly one run; the others get 409 or a skipped tick', async () => {
    // Each concurrent trigger in an environment of its own, started beforehand (as below for Begin).
    await Promise.all([stack.functions.get('api').warm(AT_ONCE), stack.functions.get('scheduled-trigger').warm(AT_ONCE / 2)]);
    const triggers = Array.from({ length: AT_ONCE }, (_, index) => {
      if (index % 3 === 0) return tickSchedule(stack).then((answer) => ({ via: 'schedule', started: answer.started, answer }));
      const path = index % 3 === 1 ? '/api/sync/orders' : '/api/sync/orders/full';
      return invokeApi(stack, 'POST', path).then((answer) => ({
        via: path,
        started: answer.statusCode === 202,
        answer: { statusCode: answer.statusCode, ...JSON.parse(answer.body) },
      }));
    });

    const answers = await Promise.all(triggers);

    const started = answers.filter((answer) => answer.started);
    expect(started).toHaveLength(1);
    const runId = (started[0]!.answer as { runId?: string; run_id?: string }).runId ?? (started[0]!.answer as { run_id?: string }).run_id;
    for (const refused of answers.filter((answer) => !answer.started)) {
      if (refused.via === 'schedule') expect(refused.answer).toMatchObject({ started: false, running: { runId } });
      else expect(refused.answer).toMatchObject({ statusCode: 409, error: { code: 'run_in_progress', running: { run_id: runId } } });
    }
    expect(stack.machine.list()).toHaveLength(1);
    const [last] = (await stack.machine.waitForChain(stack.machine.list()[0]!.executionArn)).slice(-1);
    expect(last).toMatchObject({ status: 'SUCCEEDED', output: { runId, status: 'succeeded' } });
    await expectExactCopy(stack);
  });

  it('20 executions racing into begin: one run commits, scheduled ones skip, the others fail naming the holder', async () => {
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 150)
        .map((order) => order.id),
      creates: 10,
    });
    const before = stack.machine.list().length;
    // As in AWS, each concurrent Begin has an environment of its own, started beforehand (provisioned concurrency):
    // twenty cold starts on this machine's cores would otherwise race each other instead of the lease.
    await stack.functions.get('begin').warm(AT_ONCE);

    const chains = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, index) => {
        const trigger = index % 2 === 0 ? 'schedule' : 'http';
        const execution = stack.machine.start(`race-${index}`, { mode: 'incremental', trigger });
        return stack.machine.waitForChain(execution.executionArn);
      }),
    );

    expect(stack.machine.list().length - before).toBe(AT_ONCE);
    const lasts = chains.map((chain) => chain[chain.length - 1]!);
    const ran = lasts.filter((execution) => (execution.output as Partial<RunOutcome> | undefined)?.status === 'succeeded');
    expect(ran).toHaveLength(1);
    for (const other of lasts.filter((execution) => !ran.includes(execution))) {
      if ((other.input as { trigger: string }).trigger === 'schedule')
        expect(other).toMatchObject({ status: 'SUCCEEDED', output: { skipped: true } });
      else {
        expect(other).toMatchObject({ status: 'FAILED', error: 'RunInProgressError' });
        expect(other.cause).toContain(ran[0]!.name);
      }
    }
    const state = await expectExactCopy(stack);
    expect(state.lastRun).toMatchObject({ runId: (ran[0]!.output as RunOutcome).runId, status: 'succeeded' });
    expect((await syncState(stack)).lease).toBeNull();
  });
});
