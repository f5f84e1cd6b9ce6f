// A full resync stopped by hand (StopExecution): no RecordFailure runs, so its lease stays held; while the run ran,
// every trigger was refused, but once its execution is ABORTED the next trigger (DescribeExecution through the local
// Step Functions endpoint) takes the lease over at once, and a resume goes on from the saved page to an exact copy.
import { emptyCopy, syncState } from '../support/e2e';
import { dieBeforeSavingPage, expectExactCopy, invokeApi, tickSchedule, runToEnd, waitUntil, warningsDuring } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 750;
const PAGE_SIZE = 25;
const PAGES_PER_EXECUTION = 6;
/** The default lease: nothing in this test may wait for it to expire. */
const LEASE_SECONDS = 900;

// One stack for the three scenarios: each later one starts from an empty copy (emptyCopy), as a fresh stack would.
describe('a full resync stopped by hand, or whose page step died', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    // Triggers (HTTP API, Step Functions endpoint) over a shop of ORDERS orders, several parts per run. The orders
    // stream only: the scenarios count and stop the machine's executions, which a tick of other streams would add to.
    stack = await startE2eStack({
      withTriggers: true,
      fake: { orders: ORDERS, seed: 53 },
      env: {
        STREAMS: 'orders',
        PAGE_SIZE: String(PAGE_SIZE),
        MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION),
        LEASE_SECONDS: String(LEASE_SECONDS),
      },
    });
  });
  afterAll(() => stack?.stop());

  it('holds the stream while its run runs; once stopped, the next trigger takes the lease over at once and a resume ends exact', async () => {
    const checkpointBefore = (await syncState(stack)).checkpoint;
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders/full')).body);
    await waitUntil(
      'the full resync has saved 9 pages, in its second execution',
      async () => ((await syncState(stack)).run?.pages ?? 0) >= 9,
    );
    await waitUntil('its first execution has handed over', () => stack.machine.describe(started.execution.arn).status === 'SUCCEEDED');

    // Running: the lease names the run's current part (the first one SUCCEEDED, handed over); the triggers refuse, naming a part.
    const running = await syncState(stack);
    expect(running.run!.part).toBeGreaterThan(1);
    expect(running.lease).toMatchObject({ owner: started.run_id, executionName: running.run!.executionName });
    const refused = await invokeApi(stack, 'POST', '/api/sync/orders/full', { resume: 'true' });
    expect(refused.statusCode).toBe(409);
    expect(JSON.parse(refused.body).error).toMatchObject({
      code: 'run_in_progress',
      running: { run_id: started.run_id, execution: expect.stringMatching(new RegExp(`^${started.run_id}-p[2-9]$`)) },
    });
    expect(await tickSchedule(stack)).toMatchObject({ started: false, running: { runId: started.run_id } });
    expect(stack.machine.list('RUNNING')).toHaveLength(1);

    // StopExecution, as an operator in the console would: no RecordFailure runs, so nothing releases the lease.
    // (Waits for the page step in flight, which still writes its page, as a Lambda invocation would.)
    await stack.stopExecutions();
    const [aborted] = stack.machine.list('ABORTED');
    expect(aborted?.name).toMatch(new RegExp(`^${started.run_id}-p([2-9])$`)); // a later part than the lease names
    const stopped = await syncState(stack);
    expect(stopped.run).toMatchObject({ runId: started.run_id, status: 'running' });
    expect(stopped.lease).toMatchObject({ owner: started.run_id });
    expect(stopped.lease!.expiresAt).toBeGreaterThan(Date.now() + (LEASE_SECONDS - 60) * 1000);
    expect(stopped.checkpoint).toEqual(checkpointBefore);
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 40)
        .map((order) => order.id),
      creates: 5,
    });

    // At once, with the lease minutes from expiring: the run's last execution is ABORTED, so its lease is dead.
    const requestsBefore = stack.fake!.requests().length;
    const { result: resumed, warnings } = await warningsDuring(stack, () =>
      invokeApi(stack, 'POST', '/api/sync/orders/full', { resume: 'true' }),
    );
    expect(resumed.statusCode).toBe(202);
    expect(warnings).toContainEqual([
      `lease taken over from run ${started.run_id}: its execution ${aborted!.name} ended ABORTED`,
      expect.objectContaining({ deadRunId: started.run_id, execution: aborted!.name, status: 'ABORTED' }),
    ]);
    const [last] = (await stack.machine.waitForChain(JSON.parse(resumed.body).execution.arn)).slice(-1);

    expect(last!.status).toBe('SUCCEEDED');
    const firstPageRequest = stack
      .fake!.requests()
      .slice(requestsBefore)
      .find((request) => request.path === '/orders');
    expect(firstPageRequest?.query.cursor).toBe(stopped.run!.position.cursor);
    expect(last!.output).toMatchObject({ runId: started.run_id, status: 'succeeded', mode: 'full' });
    // The resumed full run's window ended when it began: changes made since are the next incremental run's.
    await runToEnd(stack, { mode: 'incremental', trigger: 'test' });
    await expectExactCopy(stack);
  }, 60_000);

  // Stopping lets the step in flight finish, and every step saves its own result: nothing of the stopped run is
  // left unsaved, and the new run starts from an exact counter.
  it('stopped, then replaced by a new one instead of resumed: keeps the order counter exact', async () => {
    await emptyCopy(stack);
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders/full')).body);
    await waitUntil('the full resync has saved 4 pages', async () => ((await syncState(stack)).run?.pages ?? 0) >= 4);
    await stack.stopExecutions();
    const stopped = await syncState(stack);
    expect(stopped.run).toMatchObject({ runId: started.run_id, status: 'running' });
    expect(stopped.pendingIds).toEqual([]);
    expect(stopped.orderCount).toBe(stopped.run!.counts.inserted);

    const replaced = await invokeApi(stack, 'POST', '/api/sync/orders/full');
    expect(replaced.statusCode).toBe(202);
    const [last] = (await stack.machine.waitForChain(JSON.parse(replaced.body).execution.arn)).slice(-1);

    expect(last!.status).toBe('SUCCEEDED');
    expect(last!.output).toMatchObject({ status: 'succeeded', mode: 'full', orderCount: stack.fake!.truth().length });
    expect((last!.output as { runId: string }).runId).not.toBe(started.run_id);
    await expectExactCopy(stack);
  }, 60_000);

  // The dead page wrote its orders, but its result (with its inserts) was never saved: the new run counts that
  // page's inserts from the claimed ids and the write tags, in Begin.
  it('whose page step died between its write and its save, then replaced by a new one: keeps the order counter exact', async () => {
    await emptyCopy(stack);
    const disarm = dieBeforeSavingPage(stack, 3, { errorName: 'SimulatedLambdaDeath' });
    const failed = await runToEnd(stack, { mode: 'full', trigger: 'test' }).finally(disarm);
    expect(failed.status).toBe('FAILED');
    const dead = await syncState(stack);
    expect(dead.pendingIds).toHaveLength(PAGE_SIZE);
    expect(dead.orderCount).toBe(3 * PAGE_SIZE);

    const replaced = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    // Begin reads the dead page's stored versions (BatchGetItem on the orders table) under its own role, enforced here:
    // without that grant it fails with AccessDeniedException, as it would in AWS (issue 17's Begin gap).
    expect({ status: replaced.status, cause: replaced.cause }).toEqual({ status: 'SUCCEEDED', cause: undefined });
    expect(replaced.output).toMatchObject({ status: 'succeeded', mode: 'full', orderCount: stack.fake!.truth().length });
    await expectExactCopy(stack);
  }, 60_000);
});
