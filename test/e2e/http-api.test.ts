// The HTTP API as AWS runs it, on the local stack: the api function's SFN client starts executions through the local
// Step Functions endpoint, and the executions run the synthesized definition with the real step handlers.
import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiEvent, callApi } from '../support/api-events';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, syncState } from '../support/e2e';
import { tickSchedule } from '../support/reliability';

// Enough pages for the status to show progress growing; each new order is one conditional put, so not more.
const ORDERS = 4_000;
const PAGE_SIZE = 50;

describe('the HTTP API on the local stack', () => {
  let stack: E2eStack;
  // The stack's api function, in its own environment and signing as its role.
  const call = (method: string, path: string, query: Record<string, string> = {}) =>
    callApi((event) => stack.functions.invoke('api', event) as Promise<APIGatewayProxyResult>, apiEvent(method, path, query));
  const status = async () => (await call('GET', '/api/sync/status')).body;

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      fake: { orders: ORDERS, seed: 3 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '50' },
    });
  });
  afterAll(() => stack?.stop());

  const waitForRun = async (executionArn: string) => stack.machine.waitForChain(executionArn);

  it('starts a full resync (202), whose status shows progress growing, then the committed metadata', async () => {
    stack.fake!.setFaults({ latencyMs: 15 });
    const started = await call('POST', '/api/sync/orders/full');

    expect(started.statusCode).toBe(202);
    expect(started.body).toMatchObject({
      mode: 'full',
      execution: {
        name: expect.stringMatching(/^full-http-\d{8}T\d{6}Z-[0-9a-f]{4}-p1$/),
        arn: expect.stringContaining(':execution:OrderSync-orders:full-http-'),
        console_url: expect.stringContaining('console.aws.amazon.com/states/home'),
      },
      status_url: '/api/sync/status',
    });

    const seen: number[] = [];
    const chain = waitForRun(started.body.execution.arn);
    let finished = false;
    void chain.then(() => (finished = true));
    while (!finished) {
      const running = (await status()).orders.running;
      if (running && running.orders_fetched > 0) {
        seen.push(running.orders_fetched);
        expect(running).toMatchObject({ mode: 'full', trigger: 'http', expected_total: ORDERS });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    stack.fake!.resetFaults();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const after = await status();
    expect(after.orders).toMatchObject({
      count: ORDERS,
      last_synced: expect.any(String),
      metadata: { records_synced: ORDERS, is_full_sync: true, last_sync_time: after.orders.last_synced },
      running: null,
      last_run: { status: 'succeeded', mode: 'full', trigger: 'http' },
    });
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it('refuses a trigger while a run holds the lease (409 naming the execution and its mode)', async () => {
    stack.fake!.setFaults({ latencyMs: 50 });
    const first = await call('POST', '/api/sync/orders', { force_full: 'true' });
    expect(first.statusCode).toBe(202);

    const second = await call('POST', '/api/sync/orders');

    expect(second.statusCode).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'run_in_progress',
      running: { execution: first.body.execution.name, mode: 'full' },
    });
    expect(second.body.error.message).toContain(first.body.execution.name);
    stack.fake!.resetFaults();
    await waitForRun(first.body.execution.arn);
  });

  it('starts exactly one run for twenty triggers at once, from HTTP and the schedule', async () => {
    // As in AWS, each concurrent invocation has an environment of its own, started beforehand (provisioned
    // concurrency): twenty cold starts on this machine's cores would spread the triggers over seconds, long enough for
    // the first run to end and a late trigger to start a second one, instead of racing each other for the lease.
    await Promise.all([stack.functions.get('api').warm(10), stack.functions.get('scheduled-trigger').warm(10)]);
    stack.fake!.setFaults({ latencyMs: 20 });
    const before = new Set(stack.machine.list().map((execution) => execution.executionArn));
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        index % 2 === 0
          ? call('POST', '/api/sync/orders').then((answer) => ({ via: 'http', started: answer.statusCode === 202, answer }))
          : tickSchedule(stack).then((answer) => ({
              via: 'schedule',
              started: answer.started,
              answer,
            })),
      ),
    );

    const started = answers.filter((answer) => answer.started);
    expect(started).toHaveLength(1);
    const refused = answers.filter((answer) => !answer.started);
    for (const answer of refused) {
      if (answer.via === 'http') expect((answer.answer as { statusCode: number }).statusCode).toBe(409);
      else expect(answer.answer).toMatchObject({ started: false, skipped: expect.stringContaining('already running') });
    }
    // Exactly one execution was started (it may have ended already: the answers come from twenty environments).
    const startedNow = stack.machine.list().filter((execution) => !before.has(execution.executionArn));
    expect(startedNow).toHaveLength(1);
    stack.fake!.resetFaults();
    await waitForRun(startedNow[0]!.executionArn);
    expect((await syncState(stack)).lastRun).toMatchObject({ status: 'succeeded', mode: 'incremental' });
  });

  it.each([
    ['POST', '/api/sync/orders', { force_full: 'maybe' }, 400, 'parameter "force_full" must be true or false, got "maybe"'],
    ['POST', '/api/sync/orders', { resume: 'true' }, 400, 'use POST /api/sync/orders/full?resume=true'],
    [
      'POST',
      '/api/sync/orders',
      { since: 'yesterday' },
      400,
      'unknown parameter "since": POST /api/sync/orders accepts force_full=true|false',
    ],
    ['POST', '/api/sync/orders/full', { resume: 'yes' }, 400, 'parameter "resume" must be true or false, got "yes"'],
    ['POST', '/api/sync/orders/full', { force_full: 'true' }, 400, 'unknown parameter "force_full"'],
    ['GET', '/api/sync/status', { verbose: 'true' }, 400, 'unknown parameter "verbose": GET /api/sync/status accepts no parameters'],
    ['GET', '/api/sync/orders', {}, 405, '/api/sync/orders accepts POST, not GET'],
    ['DELETE', '/api/sync/status', {}, 405, '/api/sync/status accepts GET, not DELETE'],
    ['POST', '/api/sync/products', {}, 404, 'no route POST /api/sync/products'],
  ])('%s %s %j → %i with a message that says what was wrong', async (method, path, query, code, message) => {
    const answer = await call(method, path, query as Record<string, string>);
    expect(answer.statusCode).toBe(code);
    expect(answer.body.error.message).toContain(message);
    expect(stack.machine.list('RUNNING')).toHaveLength(0);
  });

  it('answers 405 with the methods the path allows', async () => {
    expect((await call('PUT', '/api/sync/orders/full')).headers).toMatchObject({ allow: 'POST' });
  });

  it('refuses a resume when no full resync failed (409, nothing started)', async () => {
    const answer = await call('POST', '/api/sync/orders/full', { resume: 'true' });
    expect(answer.statusCode).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'nothing_to_resume' });
    expect((await syncState(stack)).lease).toBeNull();
  });
});
