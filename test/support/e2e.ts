// End-to-end test helpers over the local stack: run an execution chain to its end, read the synced copy and the
// sync state, and compare the copy with the fake source's ground truth.
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client';
import { COPY_TABLE_KEY, copyTableName, SYNC_STATE_TABLE_KEY } from '../../functions/adapters/dynamodb/tables';
import { STREAM_NAMES, type StreamName } from '../../functions/core/stream';
import { DynamoRecordStore } from '../../functions/adapters/dynamodb/record-store';
import { DynamoSyncStateStore } from '../../functions/adapters/dynamodb/sync-state-store';
import type { StoredVersion } from '../../functions/core/ports';
import { bindingOf } from '../../functions/streams';
import type { SyncState } from '../../functions/core/run-types';
import type { ExecutionInput } from '../../functions/core/run-state';
import type { LocalStack } from '../../local/aws/stack';
import type { E2eStack } from './e2e-stack';
import type { ExecutionRecord } from '../../local/aws/state-machine/local-state-machine';

/** The Standard workflow history limit. */
export const HISTORY_EVENT_LIMIT = 25_000;

let executionCounter = 0;

/** The page a SyncPage (or Commit) step is about to work on: the pages its run has done, as the payload says. */
export function pageOfPayload(payload: unknown): number | undefined {
  return (payload as { run?: { pages?: number } } | null)?.run?.pages;
}

/** Start an execution as a trigger would (or with any input) and wait for its whole continue-as-new chain. */
export async function runChain(stack: LocalStack, input: ExecutionInput, name?: string): Promise<ExecutionRecord[]> {
  executionCounter += 1;
  const started = stack.machine.start(name ?? `test-${process.pid}-${executionCounter}`, input);
  return stack.machine.waitForChain(started.executionArn);
}

export function stores(stack: LocalStack) {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  return {
    orders: new DynamoRecordStore({ client, tableName: stack.tables.ordersTable }),
    state: new DynamoSyncStateStore({ client, tableName: stack.tables.syncStateTable }),
    close: () => client.destroy(),
  };
}

export async function syncState(stack: LocalStack, stream = 'orders'): Promise<SyncState> {
  const { state, close } = stores(stack);
  try {
    return await state.get(stream);
  } finally {
    close();
  }
}

/** The stored order (null: absent or a tombstone). */
export async function storedOrder(stack: LocalStack, id: string) {
  const { orders, close } = stores(stack);
  try {
    return await orders.readRecord(id);
  } finally {
    close();
  }
}

/** A money string made 1000 larger, its decimals kept: another total of the same shape. */
export function thousandMore(amount: unknown): string {
  const [whole, fraction] = String(amount).split('.');
  return fraction === undefined ? String(Number(whole) + 1000) : `${Number(whole) + 1000}.${fraction}`;
}

/**
 * Deletes every stream's records and tombstones and every stream state: the stack's tables as a fresh stack's, so a file's next scenario
 * can start from an empty copy without starting another stack. Nothing may be running.
 */
export async function emptyCopy(stack: LocalStack): Promise<void> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  const tables = [
    ...STREAM_NAMES.map((stream) => ({ name: copyTableName(stack.tables, stream), key: COPY_TABLE_KEY.partitionKey })),
    { name: stack.tables.syncStateTable, key: SYNC_STATE_TABLE_KEY.partitionKey },
  ];
  try {
    for (const { name, key } of tables) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: name,
            ProjectionExpression: '#key',
            ExpressionAttributeNames: { '#key': key },
            ExclusiveStartKey: startKey,
          }),
        );
        const keys = page.Items ?? [];
        for (let at = 0; at < keys.length; at += 25) {
          let requests: NonNullable<NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]> = keys
            .slice(at, at + 25)
            .map((item) => ({ DeleteRequest: { Key: { [key]: item[key] } } }));
          // dynalite processes a whole batch; the loop is for an answer that says otherwise.
          while (requests.length > 0) {
            const answer = await client.send(new BatchWriteCommand({ RequestItems: { [name]: requests } }));
            requests = answer.UnprocessedItems?.[name] ?? [];
          }
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
  } finally {
    client.destroy();
  }
}

/** The ids of every item in the stream's copy table (live records and tombstones), sorted. */
export async function copyTableIds(stack: LocalStack, stream: StreamName): Promise<string[]> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  const ids: string[] = [];
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: copyTableName(stack.tables, stream), ProjectionExpression: 'id', ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.id));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  } finally {
    client.destroy();
  }
  return ids.sort();
}

/** The stream's copy table, through its item mapping (read only: the zone of its `created_day` plays no part). */
function copyStore(stack: LocalStack, stream: StreamName) {
  const tableName = copyTableName(stack.tables, stream);
  const client = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamodbEndpoint });
  return { store: new DynamoRecordStore({ client, tableName, items: bindingOf(stream).items('UTC') }), close: () => client.destroy() };
}

/** Every stored record's version (tombstones included) in the stream's copy: id → updated_at and the tag of the write that stored it. */
export async function storedVersions(stack: LocalStack, stream: StreamName = 'orders'): Promise<Map<string, StoredVersion>> {
  const { store, close } = copyStore(stack, stream);
  const versions = new Map<string, StoredVersion>();
  try {
    for await (const version of store.scanVersions()) versions.set(version.id, version);
  } finally {
    close();
  }
  return versions;
}

/** Every live record of the stream's copy as its item mapping reads it back (the flat fields, the raw payload). */
export async function storedRecords<Stored>(stack: LocalStack, stream: StreamName): Promise<Stored[]> {
  const { store, close } = copyStore(stack, stream);
  const records: Stored[] = [];
  try {
    for await (const record of store.scanAll()) records.push(record as Stored);
  } finally {
    close();
  }
  return records;
}

/** What differs between the synced copy and the source: missing ids, stale versions, extra (live, not at the source) ids. */
export async function copyDifferences(
  stack: E2eStack,
  stream: StreamName = 'orders',
): Promise<{ missing: string[]; stale: string[]; extra: string[]; sourceCount: number }> {
  const truth = stack.fake.stream(stream).truth();
  const stored = await storedVersions(stack, stream);
  // A tombstone is no order of the copy: a deleted order the copy kept live is `extra`.
  for (const [id, version] of stored) if (version.deletedAt !== null) stored.delete(id);
  const missing: string[] = [];
  const stale: string[] = [];
  for (const { id, updated_at } of truth) {
    const version = stored.get(id);
    if (version === undefined) missing.push(id);
    else if (version.updatedAt !== updated_at) stale.push(id);
    stored.delete(id);
  }
  return { missing, stale, extra: [...stored.keys()], sourceCount: truth.length };
}

export function lastOf<T>(items: readonly T[]): T {
  if (items.length === 0) throw new Error('expected at least one item');
  return items[items.length - 1]!;
}
