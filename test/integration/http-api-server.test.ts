// The local HTTP API over real HTTP: requests become API Gateway proxy events for the same middy handler as in AWS,
// whose SFN client starts executions through the local Step Functions endpoint. Synthesized machine, dynalite.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { handler } from '../../functions/handlers/api';
import { startHttpApiServer, type HttpApiServer } from '../../local/aws/http-api-server';
import { copyDifferences } from '../support/e2e';
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
      fake: { orders: ORDERS, seed: 5 },
      env: { PAGE_SIZE: String(PAGE_SIZE) },
    });
    api = await startHttpApiServer({ handler });
  });
  afterAll(async () => {
    await api?.stop();
    await stack?.stop();
  });

  it('starts a full resync with POST /api/sync/orders/full (202), which runs to the end; the status route then shows it', async () => {
    const response = await fetch(`${api.url}/api/sync/orders/full`, { method: 'POST' });
    const accepted = (await response.json()) as Record<string, any>;
    const chain = await stack.machine.waitForChain(accepted.execution.arn);
    const status = await fetch(`${api.url}/api/sync/status`);
    const body = (await status.json()) as Record<string, any>;

    expect(response.status).toBe(202);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(accepted).toMatchObject({
      mode: 'full',
      status_url: '/api/sync/status',
      execution: { name: expect.stringMatching(/^full-http-.*-p1$/) },
    });
    // Started by the handler's own SFNClient, through the endpoint, on the local machine.
    expect(stack.machine.describe(accepted.execution.arn).name).toBe(accepted.execution.name);
    expect(chain.at(-1)).toMatchObject({
      status: 'SUCCEEDED',
      output: { status: 'succeeded', counts: { fetched: ORDERS, inserted: ORDERS } },
    });
    expect(status.status).toBe(200);
    expect(body.orders).toMatchObject({
      count: ORDERS,
      metadata: { records_synced: ORDERS, is_full_sync: true },
      running: null,
      last_run: { status: 'succeeded', mode: 'full', execution: accepted.execution.name },
    });
    expect(await copyDifferences(stack)).toMatchObject({ missing: [], stale: [], extra: [] });
  });

  it('refuses a trigger while a run holds the lease with 409 naming the running execution', async () => {
    stack.fake!.setFaults({ latencyMs: 50 });
    try {
      const first = (await (await fetch(`${api.url}/api/sync/orders?force_full=true`, { method: 'POST' })).json()) as Record<string, any>;
      const second = await fetch(`${api.url}/api/sync/orders`, { method: 'POST' });
      const refused = (await second.json()) as Record<string, any>;
      await stack.machine.waitForChain(first.execution.arn);

      expect(second.status).toBe(409);
      expect(refused.error).toMatchObject({ code: 'run_in_progress', running: { execution: first.execution.name, mode: 'full' } });
    } finally {
      stack.fake!.resetFaults();
    }
  });

  it('answers bad parameters with 400, unknown routes with 404 and wrong methods with 405, as the handler decides', async () => {
    const maybe = await fetch(`${api.url}/api/sync/orders?force_full=maybe`, { method: 'POST' });
    const twice = await fetch(`${api.url}/api/sync/orders?force_full=true&force_full=false`, { method: 'POST' });
    const nowhere = await fetch(`${api.url}/api/nowhere`);
    const wrongMethod = await fetch(`${api.url}/api/sync/status`, { method: 'DELETE' });

    expect(maybe.status).toBe(400);
    expect(((await maybe.json()) as any).error.message).toBe('parameter "force_full" must be true or false, got "maybe"');
    // Repeated parameters reach the handler as API Gateway passes them: multiValueQueryStringParameters.
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as any).error.message).toContain('given more than once');
    expect(nowhere.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
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
