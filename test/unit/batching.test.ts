// What the batch calls share (functions/adapters/dynamodb/batching.ts): chunks DynamoDB accepts (checked against
// dynalite, which enforces the per-call limits), bounded parallelism that stops on the first failure, retrying
// unprocessed items with capped backoff until the attempts run out, and which failures count as transient.
import { createServer } from 'node:net';
import {
  DynamoDBClient,
  InternalServerError,
  ListTablesCommand,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
} from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoffDelayMs } from '../../functions/adapters/backoff';
import {
  chunk,
  DEFAULT_RETRY_POLICY,
  isTransientDynamoError,
  retryUnprocessed,
  type RetryPolicy,
} from '../../functions/adapters/dynamodb/batching';
import { mapWithConcurrency } from '../../functions/core/concurrency';
import { createTestTables, TEST_REGION, useDynalite } from '../support/dynalite';

/** DynamoDB's per-call limits (BatchWriteItem items, BatchGetItem keys). */
const BATCH_WRITE_MAX_ITEMS = 25;
const BATCH_GET_MAX_KEYS = 100;

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('chunk', () => {
  it('cuts at the size, in order, the last chunk holding the rest; nothing gives no chunk', () => {
    expect(chunk([], BATCH_WRITE_MAX_ITEMS)).toEqual([]);
    expect(chunk(range(25), 25)).toEqual([range(25)]);
    expect(chunk(range(26), 25)).toEqual([range(25), [25]]);
    expect(chunk(range(250), 100).map((part) => [part[0], part.length])).toEqual([
      [0, 100],
      [100, 100],
      [200, 50],
    ]);
  });
});

describe('chunks sent to DynamoDB (dynalite) at its limits', () => {
  const dynamo = useDynalite();
  let table: string;

  beforeAll(async () => {
    ({ ordersTable: table } = await createTestTables(dynamo.endpoint));
  });

  const putRequests = (count: number) => range(count).map((n) => ({ PutRequest: { Item: { id: `ord_${n}` } } }));
  const write = (requests: ReturnType<typeof putRequests>) =>
    dynamo.client.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
  const read = (keys: Array<{ id: string }>) =>
    dynamo.client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }));

  it('one item over the BatchWriteItem limit is refused whole; chunked by the limit, every item is written', async () => {
    const requests = putRequests(BATCH_WRITE_MAX_ITEMS + 1);
    const refused = write(requests);
    await expect(refused).rejects.toMatchObject({ name: 'ValidationException' });
    // A request DynamoDB rejects as invalid fails the same way every time: not transient.
    expect(isTransientDynamoError(await refused.catch((error: unknown) => error))).toBe(false);

    const answers = await Promise.all(chunk(requests, BATCH_WRITE_MAX_ITEMS).map(write));

    expect(answers.map((answer) => Object.keys(answer.UnprocessedItems ?? {}).length)).toEqual([0, 0]);
  });

  it('one key over the BatchGetItem limit is refused; chunked by the limit, every key is read', async () => {
    await Promise.all(chunk(putRequests(BATCH_GET_MAX_KEYS + 1), BATCH_WRITE_MAX_ITEMS).map(write));
    const keys = range(BATCH_GET_MAX_KEYS + 1).map((n) => ({ id: `ord_${n}` }));
    await expect(read(keys)).rejects.toMatchObject({ name: 'ValidationException' });

    const answers = await Promise.all(chunk(keys, BATCH_GET_MAX_KEYS).map(read));

    expect(answers.flatMap((answer) => answer.Responses?.[table] ?? []).length).toBe(BATCH_GET_MAX_KEYS + 1);
  });
});

/** A promise the test settles by hand, to order calls in flight. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` calls in flight and gives the results in input order, whatever order they end in', async () => {
    const calls = range(7).map(() => deferred<string>());
    let inFlight = 0;
    let mostInFlight = 0;
    const started: number[] = [];

    const all = mapWithConcurrency(range(7), 3, async (n) => {
      started.push(n);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await calls[n]!.promise;
      } finally {
        inFlight--;
      }
    });
    for (const n of [2, 0, 6, 1, 5, 3, 4]) {
      calls[n]!.resolve(`r${n}`);
      await tick();
    }

    expect(await all).toEqual(range(7).map((n) => `r${n}`));
    expect(mostInFlight).toBe(3);
    expect(started.sort()).toEqual(range(7));
  });

  it('no items: no call, no result', async () => {
    const fn = jest.fn(async (n: number) => n);
    expect(await mapWithConcurrency([], 4, fn)).toEqual([]);
    expect(fn).not.toHaveBeenCalled();
  });

  it('after a failure starts no new call, and throws the first error only once the calls in flight have ended', async () => {
    const calls = range(6).map(() => deferred<number>());
    const started: number[] = [];
    const ended: number[] = [];
    let settled = false;

    const all = mapWithConcurrency(range(6), 2, async (n) => {
      started.push(n);
      try {
        return await calls[n]!.promise;
      } finally {
        ended.push(n);
      }
    });
    all.catch(() => undefined).finally(() => (settled = true));
    calls[0]!.reject(new Error('first'));
    await tick();

    // Call 1 was in flight when call 0 failed: the batch waits for it, and nothing after it starts.
    expect(settled).toBe(false);
    expect(started).toEqual([0, 1]);
    calls[1]!.reject(new Error('second'));

    await expect(all).rejects.toThrow('first');
    expect(ended).toEqual([0, 1]);
  });
});

describe('backoffDelayMs (functions/adapters/backoff.ts), as the batches use it', () => {
  const policy: RetryPolicy = { maxAttempts: 10, baseMs: 50, capMs: 2_000 };
  const atMost = (retry: number) => backoffDelayMs(retry, policy, () => 0.999_999) + 1;

  it('a random delay under a bound that doubles from the base at each retry, up to the cap', () => {
    expect(range(8).map((n) => atMost(n + 1))).toEqual([50, 100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect(backoffDelayMs(5, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(100);
  });

  it('the default policy retries for about 10 s at worst: inside a page step, long enough for throttling to pass', () => {
    const worst = range(DEFAULT_RETRY_POLICY.maxAttempts - 1).reduce(
      (sum, n) => sum + backoffDelayMs(n + 1, DEFAULT_RETRY_POLICY, () => 0.999_999),
      0,
    );
    expect(worst).toBeGreaterThan(5_000);
    expect(worst).toBeLessThanOrEqual(10_000);
  });
});

describe('retryUnprocessed (a fake send: dynalite never leaves items unprocessed)', () => {
  const policy: RetryPolicy = { maxAttempts: 4, baseMs: 100, capMs: 250 };

  /** A send that leaves unprocessed the items `withhold` picks on each call, recording what each call carried. */
  function fakeSend(withhold: (call: number, batch: string[]) => string[]) {
    const batches: string[][] = [];
    const send = async (batch: string[]) => {
      batches.push(batch);
      return withhold(batches.length, batch);
    };
    return { send, batches };
  }

  it('sends again only what was left unprocessed, with a backoff before each retry, until nothing is left', async () => {
    const fake = fakeSend((call, batch) => (call === 1 ? batch.slice(-2) : call === 2 ? batch.slice(-1) : []));
    const sleeps: number[] = [];

    const left = await retryUnprocessed(['a', 'b', 'c', 'd'], fake.send, policy, async (ms) => void sleeps.push(ms));

    expect(left).toEqual([]);
    expect(fake.batches).toEqual([['a', 'b', 'c', 'd'], ['c', 'd'], ['d']]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeLessThan(100);
    expect(sleeps[1]).toBeLessThan(200);
  });

  it('gives up after maxAttempts calls and gives back what is still left', async () => {
    const fake = fakeSend((_, batch) => batch.filter((item) => item !== 'a'));
    const sleeps: number[] = [];

    const left = await retryUnprocessed(['a', 'b', 'c'], fake.send, policy, async (ms) => void sleeps.push(ms));

    expect(left).toEqual(['b', 'c']);
    expect(fake.batches).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c'],
      ['b', 'c'],
      ['b', 'c'],
    ]);
    expect(sleeps).toHaveLength(policy.maxAttempts - 1);
    expect(sleeps.every((ms) => ms >= 0 && ms < policy.capMs)).toBe(true);
  });

  it('sends nothing when nothing is pending', async () => {
    const fake = fakeSend(() => []);
    expect(await retryUnprocessed([], fake.send, policy, async () => undefined)).toEqual([]);
    expect(fake.batches).toEqual([]);
  });
});

describe('isTransientDynamoError', () => {
  it('throttling that outlasted the SDK’s retries and server faults pass: the step may retry', () => {
    const $metadata = { httpStatusCode: 400, attempts: 3 };
    expect(isTransientDynamoError(new ProvisionedThroughputExceededException({ message: 'exceeded', $metadata }))).toBe(true);
    expect(isTransientDynamoError(new RequestLimitExceeded({ message: 'account limit', $metadata }))).toBe(true);
    expect(isTransientDynamoError(Object.assign(new Error('slow down'), { name: 'ThrottlingException', $metadata }))).toBe(true);
    expect(isTransientDynamoError(new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500 } }))).toBe(true);
  });

  it('a DynamoDB that cannot be reached at all (connection refused, as the real SDK reports it) is transient', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const unreachable = new DynamoDBClient({
      region: TEST_REGION,
      endpoint: `http://127.0.0.1:${closedPort}`,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    try {
      const error = await unreachable.send(new ListTablesCommand({})).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/) });
      expect(isTransientDynamoError(error)).toBe(true);
    } finally {
      unreachable.destroy();
    }
  });

  it('an answer that refuses the request, or anything not an Error, is not', () => {
    const refused = Object.assign(new Error('socket hang up mentioned in a message'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isTransientDynamoError(refused)).toBe(false);
    expect(isTransientDynamoError(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isTransientDynamoError('ECONNRESET')).toBe(false);
    expect(isTransientDynamoError(undefined)).toBe(false);
  });
});
