// A full resync stopped by hand (StopExecution): no RecordFailure runs, so its lease stays held until it expires and
// every trigger meanwhile is refused naming the run; then a resume takes the lease over and the copy ends exact.
import { syncState } from '../support/e2e';
import { expectExactCopy, invokeApi, runToEnd, startReliabilityStack, waitUntil, type ReliabilityStack } from '../support/reliability';

const ORDERS = 1_500;
const PAGE_SIZE = 50;
/** The shortest lease the configuration accepts: the wait for its expiry is most of this file's time. */
const LEASE_SECONDS = 30;

describe('an execution stopped by hand in the middle of a full resync', () => {
  let stack: ReliabilityStack;

  beforeAll(async () => {
    stack = await startReliabilityStack({
      withTriggers: true,
      fake: { orders: ORDERS, seed: 53 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '6', LEASE_SECONDS: String(LEASE_SECONDS) },
    });
  });
  afterAll(() => stack?.stop());

  it('a full resync stopped by hand holds its lease until it expires; then a resume takes over and ends exact', async () => {
    const checkpointBefore = (await syncState(stack)).checkpoint;
    const started = JSON.parse((await invokeApi('POST', '/api/sync/orders/full')).body);
    await waitUntil('the full resync has saved 9 pages', async () => ((await syncState(stack)).run?.pages ?? 0) >= 9);
    expect(stack.machine.list('RUNNING')).toHaveLength(1);
    // StopExecution, as an operator in the console would: no RecordFailure runs, so nothing releases the lease.
    // (Waits for the page step in flight, which still saves its page, as a Lambda invocation would.)
    await stack.stopExecutions();
    expect(stack.machine.list('ABORTED')).toHaveLength(1);
    const stopped = await syncState(stack);
    expect(stopped.run).toMatchObject({ runId: started.run_id, status: 'running' });
    expect(stopped.lease).toMatchObject({ owner: started.run_id });
    expect(stopped.checkpoint).toEqual(checkpointBefore);
    stack.fake!.mutate({ updates: stack.fake!.truth().slice(0, 40).map((order) => order.id), creates: 5 });

    // While the lease lives, every trigger is refused and names the run that holds it.
    const refused = await invokeApi('POST', '/api/sync/orders/full', { resume: 'true' });
    expect(refused.statusCode).toBe(409);
    expect(JSON.parse(refused.body).error).toMatchObject({ code: 'run_in_progress', running: { run_id: started.run_id } });

    await waitUntil('the stopped run\'s lease has expired', async () => {
      const lease = (await syncState(stack)).lease;
      return lease === null || lease.expiresAt <= Date.now();
    }, (LEASE_SECONDS + 5) * 1000);
    const requestsBefore = stack.fake!.requests().length;
    const resumed = await invokeApi('POST', '/api/sync/orders/full', { resume: 'true' });
    expect(resumed.statusCode).toBe(202);
    const [last] = (await stack.machine.waitForChain(JSON.parse(resumed.body).execution.arn)).slice(-1);

    expect(last!.status).toBe('SUCCEEDED');
    const firstPageRequest = stack.fake!.requests().slice(requestsBefore).find((request) => request.path === '/orders');
    expect(firstPageRequest?.query.cursor).toBe(stopped.run!.cursor);
    expect(last!.output).toMatchObject({ runId: started.run_id, status: 'succeeded', mode: 'full' });
    // The resumed full run's window ended when it began: changes made since are the next incremental run's.
    await runToEnd(stack, { mode: 'incremental', trigger: 'test' });
    await expectExactCopy(stack);
  }, 90_000);
});
