// The local HTTP API over real HTTP: requests become API Gateway proxy events for the same middy handler as in AWS,
// whose SFN client starts executions through the local Step Functions endpoint. Synthesized machine, dynalite.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler } from '../../functions/handlers/api';
import { startHttpApiServer, type HttpApiServer } from '../../local/aws/http-api-server';
import { copyDifferences, syncState } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 400;
const PAGE_SIZE = 50;

describe('the local HTTP API', () => {
  let stack: E2eStack;
  let api: HttpApiServer;

  beforeAll(async () => {
    // With the Step Functions endpoint; the handler runs in this process, which takes the stack's operator environment.
    stack = await startE2eStack({
      withTriggers: true,
      inProcessHandlers: true,
      // Two months of history: the daily sales' last phase recomputes a few dozen days, not two years of them.
      fake: { orders: ORDERS, seed: 5, historyDays: 60 },
      env: { PAGE_SIZE: String(PAGE_SIZE) },
    });
    api = await startHttpApiServer({ handler });
  });
  afterAll(async () => {
    await api?.stop();
    await stack?.stop();
  });

  it('starts a full resync with POST /api/sync/orders/full (202), which runs to the end; the status route then shows it', async () => {
    stack.fake.setFaults({ latencyMs: 100 });
    const response = await fetch(`${api.url}/api/sync/orders/full`, { method: 'POST' });
    const accepted = (await response.json()) as Record<string, any>;
    // While it runs, the status shows its progress growing (each page slowed, so the polls see several).
    const seen: number[] = [];
    let finished = false;
    const chainEnded = stack.machine.waitForChain(accepted.execution.arn).finally(() => (finished = true));
    while (!finished) {
      const running = ((await (await fetch(`${api.url}/api/sync/status`)).json()) as Record<string, any>).orders.running;
      if (running && running.orders_fetched > 0) {
        seen.push(running.orders_fetched);
        expect(running).toMatchObject({ mode: 'full', trigger: 'http', expected_total: ORDERS });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const chain = await chainEnded;
    stack.fake.resetFaults();
    const status = await fetch(`${api.url}/api/sync/status`);
    const body = (await status.json()) as Record<string, any>;

    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(accepted).toMatchObject({
      mode: 'full',
      status_url: '/api/sync/status',
      execution: {
        name: expect.stringMatching(/^orders-full-http-\d{8}T\d{6}Z-[0-9a-f]{4}-p1$/),
        arn: expect.stringContaining(':execution:OrderSync-sync:orders-full-http-'),
        console_url: expect.stringContaining('console.aws.amazon.com/states/home'),
      },
    });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    // Started by the handler's own SFNClient, through the endpoint, on the local machine.
    expect(stack.machine.describe(accepted.execution.arn).name).toBe(accepted.execution.name);
    expect(chain.at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'succeeded', counts: { fetched: ORDERS, inserted: ORDERS } },
    });
    expect(status.status).toBe(200);
    expect(body.orders).toMatchObject({
      count: ORDERS,
      last_synced: expect.any(String),
      metadata: { records_synced: ORDERS, is_full_sync: true, last_sync_time: body.orders.last_synced },
      running: null,
      last_run: { status: 'succeeded', mode: 'full', execution: accepted.execution.name },
    });
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it('refuses a trigger while a run holds the lease with 409 naming the running execution', async () => {
    stack.fake.setFaults({ latencyMs: 50 });
    try {
      const first = (await (await fetch(`${api.url}/api/sync/orders?force_full=true`, { method: 'POST' })).json()) as Record<string, any>;
      const second = await fetch(`${api.url}/api/sync/orders`, { method: 'POST' });
      const refused = (await second.json()) as Record<string, any>;
      await stack.machine.waitForChain(first.execution.arn);

      expect(second.status).toBe(409);
      expect(refused.error).toMatchObject({ code: 'run_in_progress', running: { execution: first.execution.name, mode: 'full' } });
      expect(refused.error.message).toContain(first.execution.name);
    } finally {
      stack.fake.resetFaults();
    }
  });

  it('ignores a request body: a trigger runs what its path and query say', async () => {
    // Read, this body would make the run full, or refuse it (resume applies to full resyncs only).
    const response = await fetch(`${api.url}/api/sync/orders`, {
      method: 'POST',
      body: JSON.stringify({ force_full: true, mode: 'nonsense', resume: true }),
    });
    const accepted = (await response.json()) as Record<string, any>;

    expect(response.status).toBe(202);
    expect(accepted).toMatchObject({ message: 'incremental sync started', mode: 'incremental', status_url: '/api/sync/status' });
    expect((await stack.machine.waitForChain(accepted.execution.arn)).at(-1)!.status).toBe('SUCCEEDED');
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it.each([
    [
      'POST',
      '/api/sync/orders?full=true',
      400,
      'invalid_parameter',
      'unknown parameter "full": POST /api/sync/orders accepts force_full=true|false, resume=true|false',
    ],
    ['POST', '/api/sync/orders?force_full=maybe', 400, 'invalid_parameter', 'parameter "force_full" must be true or false, got "maybe"'],
    // Repeated parameters reach the handler as API Gateway passes them: multiValueQueryStringParameters.
    ['POST', '/api/sync/orders?force_full=true&force_full=false', 400, 'invalid_parameter', 'parameter "force_full" given more than once'],
    [
      'POST',
      '/api/sync/orders?resume=true',
      400,
      'invalid_parameter',
      'parameter "resume" applies to full resyncs only: use POST /api/sync/orders/full?resume=true',
    ],
    [
      'POST',
      '/api/sync/orders?since=yesterday',
      400,
      'invalid_parameter',
      'unknown parameter "since": POST /api/sync/orders accepts force_full=true|false, resume=true|false',
    ],
    [
      'POST',
      '/api/sync/orders/full?force_full=true',
      400,
      'invalid_parameter',
      'unknown parameter "force_full": POST /api/sync/orders/full accepts resume=true|false',
    ],
    ['POST', '/api/sync/orders/full?resume=yes', 400, 'invalid_parameter', 'parameter "resume" must be true or false, got "yes"'],
    ['POST', '/api/sync/orders/full?resume=true', 409, 'nothing_to_resume', 'nothing to resume: there is no unfinished run'],
    [
      'GET',
      '/api/sync/status?verbose=true',
      400,
      'invalid_parameter',
      'unknown parameter "verbose": GET /api/sync/status accepts no parameters',
    ],
    ['GET', '/api/sync/orders', 405, 'method_not_allowed', '/api/sync/orders accepts POST, not GET'],
    ['PUT', '/api/sync/orders/full', 405, 'method_not_allowed', '/api/sync/orders/full accepts POST, not PUT'],
    ['POST', '/api/sync/status', 405, 'method_not_allowed', '/api/sync/status accepts GET, not POST'],
    ['DELETE', '/api/sync/status', 405, 'method_not_allowed', '/api/sync/status accepts GET, not DELETE'],
    ['GET', '/api/sync/products', 405, 'method_not_allowed', '/api/sync/products accepts POST, not GET'],
    ['POST', '/api/sync/invoices', 404, 'unknown_stream', 'no stream "invoices" here: the streams synced are orders'],
    // This stack syncs orders only (STREAMS=orders): a stream it does not sync is not found either.
    ['POST', '/api/sync/products', 404, 'unknown_stream', 'no stream "products" here: the streams synced are orders'],
    [
      'GET',
      '/api/nowhere',
      404,
      'not_found',
      'no route GET /api/nowhere; routes: POST /api/sync/{stream}, POST /api/sync/{stream}/full, GET /api/sync/status, GET /api/analytics/daily-sales',
    ],
  ])('refuses %s %s → %i %s, saying what was wrong, starting nothing', async (method, path, status, code, message) => {
    const executionsBefore = stack.machine.list().length;

    const response = await fetch(`${api.url}${path}`, { method });

    expect(response.status).toBe(status);
    const details = code === 'unknown_stream' ? { streams: ['orders'] } : {};
    expect(await response.json()).toEqual({ error: { code, message, ...details } });
    if (status === 405) expect(response.headers.get('allow')).toBe(message.includes('accepts GET') ? 'GET' : 'POST');
    // Refused before anything started: no execution, no lease.
    expect(stack.machine.list()).toHaveLength(executionsBefore);
    expect((await syncState(stack)).lease).toBeNull();
  });

  it('builds the proxy event API Gateway would, and answers 502 when the handler returns nothing', async () => {
    const events: APIGatewayProxyEvent[] = [];
    const recorder = await startHttpApiServer({
      handler: async (event) => {
        events.push(event);
        return event.path === '/empty' ? undefined : { statusCode: 201, headers: { 'x-seen': event.httpMethod }, body: 'made' };
      },
    });
    try {
      const made = await fetch(`${recorder.url}/things/a%20b?x=1&y=2&y=3`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'x-trace': 't1' },
        body: 'hello',
      });
      const binary = await fetch(`${recorder.url}/bin`, { method: 'POST', body: new Uint8Array([0xff, 0xfe, 0x00]) });
      const empty = await fetch(`${recorder.url}/empty`);

      expect(made.status).toBe(201);
      expect(made.headers.get('x-seen')).toBe('PUT');
      expect(await made.text()).toBe('made');
      expect(events[0]).toMatchObject({
        httpMethod: 'PUT',
        path: '/things/a b',
        queryStringParameters: { x: '1', y: '3' },
        multiValueQueryStringParameters: { x: ['1'], y: ['2', '3'] },
        body: 'hello',
        isBase64Encoded: false,
        requestContext: { httpMethod: 'PUT', stage: 'local', identity: { sourceIp: '127.0.0.1' } },
      });
      expect(events[0]!.headers['x-trace']).toBe('t1');
      expect(events[1]).toMatchObject({
        body: Buffer.from([0xff, 0xfe, 0x00]).toString('base64'),
        isBase64Encoded: true,
        queryStringParameters: null,
      });
      expect(binary.status).toBe(201);
      expect(empty.status).toBe(502);
    } finally {
      await recorder.stop();
    }
  });
});
