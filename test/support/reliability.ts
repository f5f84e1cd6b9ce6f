// Reliability suite helpers over an e2e stack (./e2e-stack): the one check every scenario ends with (the copy equals
// the source), the functions' warnings, calls to the API and the schedule, a checkpoint seeded, and a page step that
// dies on cue.
import type { StreamName } from '../../functions/core/stream';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { checkpointToItem } from '../../functions/adapters/dynamodb/sync-state-item';
import type { Instant } from '../../functions/core/order';
import { log } from '../../functions/logger';
import type { StoredOrder } from '../../functions/adapters/dynamodb/order-item';
import type { ExecutionInput } from '../../functions/core/run-state';
import type { SyncState } from '../../functions/core/run-types';
import type { LocalStack } from '../../local/aws/stack';
import type { E2eStack } from './e2e-stack';
import type { ExecutionRecord } from '../../local/aws/state-machine/local-state-machine';
import { apiEvent } from './api-events';
import { copyDifferences, lastOf, runChain, stores, syncState } from './e2e';

/** Run an execution chain to its end and return its last execution. */
export async function runToEnd(stack: LocalStack, input: ExecutionInput): Promise<ExecutionRecord> {
  return lastOf(await runChain(stack, input));
}

/** Every stored order, whole (raw included). */
export async function storedOrders(stack: LocalStack): Promise<Map<string, StoredOrder>> {
  const { orders, close } = stores(stack);
  const all = new Map<string, StoredOrder>();
  try {
    for await (const order of orders.scanAll()) all.set(order.id, order);
  } finally {
    close();
  }
  return all;
}

export interface CopyComparison {
  missing: string[];
  stale: string[];
  extra: string[];
  /** Ids whose stored raw order is not the one the source serves now (field values, not only updated_at). */
  differentFields: string[];
  sourceCount: number;
  storedCount: number;
  /** The sync state's order counter. */
  orderCount: number;
}

/** The whole synced copy against the source's ground truth: versions, field values and counters. */
export async function compareCopy(stack: E2eStack): Promise<CopyComparison> {
  const versions = await copyDifferences(stack);
  const stored = await storedOrders(stack);
  const differentFields: string[] = [];
  for (const [id, order] of stored) {
    const served = stack.fake.order(id);
    if (served !== undefined && JSON.stringify(order.raw) !== JSON.stringify(served)) differentFields.push(id);
  }
  const state = await syncState(stack);
  return { ...versions, differentFields, storedCount: stored.size, orderCount: state.orderCount };
}

/** What compareCopy answers when the copy is exact. */
export function exactCopyOf(sourceCount: number): CopyComparison {
  return { missing: [], stale: [], extra: [], differentFields: [], sourceCount, storedCount: sourceCount, orderCount: sourceCount };
}

/** Asserts the copy equals the source (every order at its latest version and fields, nothing extra, counter exact). */
export async function expectExactCopy(stack: E2eStack): Promise<SyncState> {
  const comparison = await compareCopy(stack);
  expect(comparison).toEqual(exactCopyOf(comparison.sourceCount));
  return syncState(stack);
}

/**
 * The warnings logged while `action` runs: by the functions of the stack (each in its own environment: their log
 * lines) and by a handler called in this process (the real logger's Log port, observed, not replaced).
 */
export async function warningsDuring<T>(
  stack: E2eStack,
  action: () => Promise<T>,
): Promise<{ result: T; warnings: Array<[string, Record<string, unknown> | undefined]> }> {
  const fromFunctions: Array<[string, Record<string, unknown> | undefined]> = [];
  const unsubscribe = stack.onFunctionWarning(({ message, ...fields }) => fromFunctions.push([String(message), fields]));
  const spy = jest.spyOn(log, 'warn');
  try {
    const result = await action();
    return {
      result,
      warnings: [
        ...spy.mock.calls.map(([message, fields]): [string, Record<string, unknown> | undefined] => [message, fields]),
        ...fromFunctions,
      ],
    };
  } finally {
    spy.mockRestore();
    unsubscribe();
  }
}

/** The stack's API function invoked with an API Gateway proxy event (for many calls at once without sockets). */
export async function invokeApi(
  stack: LocalStack,
  method: string,
  path: string,
  query: Record<string, string> = {},
): Promise<APIGatewayProxyResult> {
  return (await stack.functions.invoke('api', apiEvent(method, path, query))) as APIGatewayProxyResult;
}

/** What one stream's start answered to a tick. */
export type StreamTick = Record<string, unknown> & { started: boolean };

/** The stack's scheduled-trigger function invoked as the schedule invokes it: what the orders stream's start answered. */
export async function tickSchedule(stack: LocalStack): Promise<StreamTick> {
  const ticks = await tickEveryStream(stack);
  if (!ticks.orders) throw new Error(`the tick started no orders run: ${JSON.stringify(ticks)}`);
  return ticks.orders;
}

/** The stack's scheduled-trigger function invoked as the schedule invokes it: each enabled stream's answer. */
export async function tickEveryStream(stack: LocalStack): Promise<Partial<Record<StreamName, StreamTick>>> {
  return (await stack.functions.invoke('scheduled-trigger', { mode: 'incremental', trigger: 'schedule' })) as Partial<
    Record<StreamName, StreamTick>
  >;
}

/**
 * Gives the stream a checkpoint at the source's now, its copy left as it is (empty, as after moving to a new orders
 * table): the next tick runs incrementally beside an unfinished full resync, which it parks, instead of resuming it.
 */
export async function seedCheckpoint(stack: LocalStack, now: Instant): Promise<void> {
  const checkpoint = {
    watermark: now,
    lastSyncTime: now,
    lastRecordTime: null,
    recordsSynced: 0,
    isFullSync: false,
    createdAt: now,
    updatedAt: now,
    sourceClockSkewMs: null,
  };
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  try {
    await client.send(
      new UpdateCommand({
        TableName: stack.tables.syncStateTable,
        Key: { stream: 'orders' },
        UpdateExpression: 'SET #checkpoint = :checkpoint',
        ExpressionAttributeNames: { '#checkpoint': 'checkpoint' },
        ExpressionAttributeValues: { ':checkpoint': checkpointToItem(checkpoint) },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Polls until `check` is true; fails naming `what` after the deadline (never hangs). */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Makes the page step of run page `page` die once between writing its orders and saving its result (a Lambda that
 * timed out or crashed there): its claimed ids stay recorded and its orders carry its write tag, its result is not
 * saved. `meanwhile` runs first (the source changes before the retry). `errorName` is what the step fails with:
 * a retried name (StoreWriteError) has Step Functions retry the page; any other fails the run. `every`: each attempt
 * of the page dies so (a step that always times out), not only the first.
 * The seam is the local DynamoDB endpoint: the page's save (the UpdateItem that moves the run from page `page` to
 * the next) is answered with that error, wherever the function runs. Returns the function that disarms it.
 */
export function dieBeforeSavingPage(
  stack: LocalStack,
  page: number,
  options: { errorName?: string; meanwhile?: () => void; every?: boolean } = {},
): () => void {
  return stack.dynamoFaults.add({
    matches: ({ operation, request, values }) =>
      operation === 'UpdateItem' &&
      request.TableName === stack.tables.syncStateTable &&
      // A record page's step is its page number (record pages come first).
      values[':expected_step'] === page &&
      (values[':run'] as { pages?: number } | undefined)?.pages === page + 1,
    errorName: options.errorName ?? 'StoreWriteError',
    message: `the page step of page ${page} died between its write and its save`,
    ...(options.meanwhile ? { before: options.meanwhile } : {}),
    times: options.every ? Number.POSITIVE_INFINITY : 1,
  });
}
