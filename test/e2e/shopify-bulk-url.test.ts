// A Shopify bulk export's result URL is signed: whoever holds it reads every order of the shop. Through a full resync
// whose export is read range by range, stopped in the middle of the result, parked by the next scheduled tick and
// resumed, no URL the fake Shopify handed out (nor its signature, nor either of them URL-encoded or in base64) is in
// a DynamoDB write or item, an execution's input, output or history, a step's payload or result, a log line (DEBUG
// on), a notification or metric, or the status.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { decodeBulkPlace } from '../../functions/adapters/source/shopify/shopify-source';
import { storedVersions, syncState } from '../support/e2e';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { invokeApi, seedCheckpoint, tickSchedule, waitUntil } from '../support/reliability';

const ORDERS = 400;
/** About ten orders a range: some forty page steps read the result. */
const RANGE_BYTES = 32 * 1024;
/** Reading pages done before the stop. */
const READ_BEFORE_STOP = 3;

/** `text` and what it says once URL- or base64-decoded: where a URL could hide. */
function revealed(text: string): string {
  const forms = [text];
  try {
    forms.push(decodeURIComponent(text));
  } catch {
    // not URL-encoded as a whole: its parts are looked at below
  }
  // Buffer's base64 decoder takes the URL-safe alphabet as well.
  for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) forms.push(Buffer.from(run, 'base64').toString('latin1'));
  return forms.join('\n');
}

describe("a Shopify bulk export's result URL, through a resync stopped while reading, parked and resumed", () => {
  let stack: E2eStack;
  /** Everything an operator, a log reader or a reader of the tables could see, as text. */
  const seen: Array<{ where: string; text: string }> = [];
  const see = (where: string, value: unknown): void =>
    void seen.push({ where, text: typeof value === 'string' ? value : JSON.stringify(value) });

  beforeAll(async () => {
    stack = await startE2eStack({
      withTriggers: true,
      shopify: { shop: { orders: ORDERS, seed: 41 }, bucket: { maximumAvailable: 1e7, restoreRate: 1e7 }, bulkRate: 1e6 },
      env: { SHOPIFY_BULK_RANGE_BYTES: String(RANGE_BYTES), PAGE_SIZE: '50', MAX_PAGES_PER_EXECUTION: '4' },
      waitMs: 50,
      functionLogLevel: 'DEBUG',
      functionLogs: (line) => see(`log of ${line.functionName}`, line.text),
      hooks: {
        before: (functionName, payload) => see(`payload of ${functionName}`, payload),
        after: (functionName, payload, result) => see(`result of ${functionName}`, { payload, result }),
      },
      operations: {
        notification: (text) => see('notification', text),
        emf: (emf) => see('metric', emf),
        runMetrics: (report) => see('run metrics', report),
      },
    });
    // A stream with a checkpoint: the tick after the stop runs incrementally and parks the resync.
    await seedCheckpoint(stack, stack.fake.now());
    // Every request a function makes to DynamoDB (items written, conditions, keys), as the endpoint receives it.
    stack.dynamoFaults.add({
      matches: (call) => {
        see(`DynamoDB ${call.operation}`, call.request);
        return false;
      },
      errorName: 'NeverRaised',
      message: 'only watches',
      times: Number.POSITIVE_INFINITY,
    });
  });
  afterAll(() => stack?.stop());

  async function seeTablesAndStatus(when: string): Promise<void> {
    const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
    try {
      for (const table of Object.values(stack.tables)) {
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
          const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
          see(`${table} table ${when}`, page.Items);
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }
    } finally {
      client.destroy();
    }
    see(`status ${when}`, (await invokeApi(stack, 'GET', '/api/sync/status')).body);
  }

  async function readingPlace(): Promise<{ offset: number } | null> {
    const cursor = (await syncState(stack)).run?.position.cursor;
    const place = cursor?.startsWith('bulk:') ? decodeBulkPlace(cursor) : null;
    return place?.phase === 'reading' ? place : null;
  }

  it('reads the export range by range, is stopped in the middle of the result, parked by the next tick, and resumed to an exact copy', async () => {
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders/full')).body);
    let readingPages = 0;
    await waitUntil(`the resync has read ${READ_BEFORE_STOP} ranges of the result`, async () => {
      const place = await readingPlace();
      if (place !== null && place.offset > 0) readingPages = (await syncState(stack)).run!.pages;
      return place !== null && place.offset > 0 && readingPages >= READ_BEFORE_STOP + 2;
    });
    await seeTablesAndStatus('while the result is read');
    await stack.stopExecutions();
    const stopped = (await syncState(stack)).run!;
    const stoppedAt = decodeBulkPlace(stopped.position.cursor!);
    expect(stoppedAt).toMatchObject({ phase: 'reading' });

    const tick = await tickSchedule(stack);
    expect(tick).toMatchObject({ started: true, mode: 'incremental' });
    await stack.machine.waitForChain(String(tick.executionArn));
    const parked = (await syncState(stack)).parked!;
    expect(parked.run).toMatchObject({ runId: started.run_id, position: stopped.position });
    await seeTablesAndStatus('while the resync is parked');

    const resumed = await invokeApi(stack, 'POST', '/api/sync/orders/full', { resume: 'true' });
    expect(resumed.statusCode).toBe(202);
    const chain = await stack.machine.waitForChain(JSON.parse(resumed.body).execution.arn);
    expect(chain.at(-1)).toMatchObject({ status: 'SUCCEEDED', output: { runId: started.run_id, status: 'succeeded', orderCount: ORDERS } });
    await seeTablesAndStatus('after the resume');

    // One export, read on from where it stopped; every order of the shop stored at its version.
    expect(stack.fakeShopify!.bulk.list()).toHaveLength(1);
    const stored = await storedVersions(stack);
    expect(stack.fakeShopify!.truth().filter(({ id, updated_at }) => stored.get(id)?.updatedAt !== updated_at)).toEqual([]);
  }, 120_000);

  it('no URL the fake handed out, nor its signature, in any form, is anywhere an operator or a reader could look', () => {
    for (const execution of stack.machine.list()) see(`execution ${execution.name}`, execution);
    const urls = stack.fakeShopify!.bulk.urlsIssued();
    expect(urls.length).toBeGreaterThan(0);
    const signatures = urls.map((url) => new URL(url).searchParams.get('X-Goog-Signature')!);
    // The capture saw the run: reading cursors in the sync-state writes, executions, every function's log lines.
    expect(seen.some(({ where, text }) => where === 'DynamoDB UpdateItem' && text.includes('bulk:'))).toBe(true);
    expect(seen.filter(({ where }) => where.startsWith('execution ')).length).toBeGreaterThan(5);
    expect(seen.some(({ where }) => where === 'log of sync-page')).toBe(true);

    const leaks = seen
      .map(({ where, text }) => ({ where, text: revealed(text) }))
      .filter(({ text }) => text.includes('X-Goog-Signature') || signatures.some((signature) => text.includes(signature.slice(0, 16))))
      .map(({ where }) => where);

    expect(leaks).toEqual([]);
  });
});
