// OrderStore on DynamoDB: a page's version check as one round of BatchGetItem, its upsert as parallel conditional
// PutItem calls (BatchWriteItem takes no condition), so no write puts an older version over a newer one; plus
// readers for tests, the CLI and audits.
import { BatchGetCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreWriteError } from '../../core/errors';
import type { Order } from '../../core/order';
import type { OrderStore, OrderWrite, PutResult, StoredVersion } from '../../core/ports';
import { chunk, DEFAULT_RETRY_POLICY, isTransientDynamoError, mapWithConcurrency, retryUnprocessed, type RetryPolicy } from './batching';
import {
  itemToStoredOrder,
  itemToStoredVersion,
  orderToItem,
  unstorableReason,
  VERSION_ATTRIBUTES,
  type OrderItem,
  type StoredOrder,
} from './order-item';

/** DynamoDB's limits per call. */
const BATCH_GET_MAX_KEYS = 100;

/**
 * A write lands over no stored item (or one older), never over a newer version, whoever stored it (a zombie step
 * whose lease expired, a run that went on meanwhile). `deleted_at`: a tombstone (docs/design.md "Not yet") may be
 * replaced by a version newer than the deletion.
 */
const WRITE_OVER_NOTHING = 'attribute_not_exists(#id) OR #deleted_at < :updated_at';
const WRITE_OVER_OLDER = '#updated_at < :updated_at OR #deleted_at < :updated_at';

export interface DynamoOrderStoreOptions {
  /** The document client, built once per process (client.ts). Only its `send` is used. */
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** PutItem calls in flight at once for one putOrders (default 16). */
  writeConcurrency?: number;
  /** Retrying unprocessed keys. */
  retry?: Partial<RetryPolicy>;
}

type Key = { id: string };

export class DynamoOrderStore implements OrderStore {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  private readonly writeConcurrency: number;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoOrderStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async getVersions(ids: readonly string[]): Promise<Map<string, StoredVersion>> {
    const keys = [...new Set(ids)].map((id): Key => ({ id }));
    const versions = new Map<string, StoredVersion>();
    // A page is at most 250 ids: three chunks, all in flight together.
    const keyChunks = chunk(keys, BATCH_GET_MAX_KEYS);
    const leftPerChunk = await mapWithConcurrency(keyChunks, keyChunks.length, (keysOfChunk) =>
      retryUnprocessed(keysOfChunk, (pending) => this.batchGet(pending, versions), this.retry),
    );
    const leftCount = leftPerChunk.reduce((sum, keysLeft) => sum + keysLeft.length, 0);
    if (leftCount > 0) {
      // Named as a store failure so a step's Retry treats it as transient, like a write that could not finish.
      throw new StoreWriteError(
        `${leftCount} of ${keys.length} order versions could not be read from ${this.tableName}: ` +
          `DynamoDB left them unprocessed after ${this.retry.maxAttempts} attempts`,
      );
    }
    return versions;
  }

  /** One BatchGetItem; puts what it read into `versions`, returns the keys left unprocessed. */
  private async batchGet(keys: Key[], versions: Map<string, StoredVersion>): Promise<Key[]> {
    const request = new BatchGetCommand({
      RequestItems: {
        // Consistent: a retried page must see the writes its first attempt made.
        [this.tableName]: { Keys: keys, ConsistentRead: true, ...projection(VERSION_ATTRIBUTES) },
      },
    });
    const answer = await this.transient(`reading ${keys.length} order versions`, () => this.client.send(request));
    for (const item of answer.Responses?.[this.tableName] ?? []) {
      const version = itemToStoredVersion(item);
      versions.set(version.id, version);
    }
    return (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
  }

  unstorable(order: Order): string | null {
    return unstorableReason(order);
  }

  async putOrders(writes: readonly OrderWrite[]): Promise<PutResult> {
    // Every item is built (and checked for size) before the first write: a page that cannot be stored
    // fails whole instead of half-written.
    const puts = newestPerId(writes).map((write) => ({ item: orderToItem(write), replaces: write.replaces }));
    const written = await mapWithConcurrency(puts, this.writeConcurrency, ({ item, replaces }) =>
      this.transient(`writing order ${item.id}`, () => this.conditionalPut(item, replaces)),
    );
    return { refusedIds: puts.filter((_, index) => !written[index]).map(({ item }) => item.id) };
  }

  /** One conditional PutItem; false when the stored version refused it. */
  private async conditionalPut(item: OrderItem, replaces: string | null): Promise<boolean> {
    const request = new PutCommand({
      TableName: this.tableName,
      Item: { ...item },
      ConditionExpression: replaces === null ? WRITE_OVER_NOTHING : WRITE_OVER_OLDER,
      ExpressionAttributeNames:
        replaces === null ? { '#id': 'id', '#deleted_at': 'deleted_at' } : { '#updated_at': 'updated_at', '#deleted_at': 'deleted_at' },
      ExpressionAttributeValues: { ':updated_at': item.updated_at },
    });
    try {
      await this.client.send(request);
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Runs one call; a transient failure becomes StoreWriteError (retryable), anything else passes as is. */
  private async transient<R>(doing: string, call: () => Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if (!isTransientDynamoError(error)) throw error;
      const { name, message } = error as Error;
      throw new StoreWriteError(`${doing} in ${this.tableName} failed: ${name}: ${message}`, { cause: error });
    }
  }

  /** The stored order, raw included (decompressed when it was stored gzip-compressed); null when absent. */
  async readOrder(id: string): Promise<StoredOrder | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return answer.Item ? itemToStoredOrder(answer.Item) : null;
  }

  /** Every stored order, page by page (Scan's 1 MB pages): memory stays flat whatever the table holds. */
  async *scanAll(): AsyncGenerator<StoredOrder> {
    for await (const item of this.scanItems()) yield itemToStoredOrder(item);
  }

  /** Every stored order's version only: the cheap way to compare the table with the source. */
  async *scanVersions(): AsyncGenerator<StoredVersion> {
    for await (const item of this.scanItems(VERSION_ATTRIBUTES)) yield itemToStoredVersion(item);
  }

  private async *scanItems(attributes?: readonly string[]): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          ...(attributes ? projection(attributes) : {}),
        }),
      );
      yield* answer.Items ?? [];
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
  }
}

/** A ProjectionExpression through placeholders, so no attribute name can clash with a reserved word. */
function projection(attributes: readonly string[]): { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } {
  return {
    ProjectionExpression: attributes.map((_, index) => `#p${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#p${index}`, name])),
  };
}

/** One write per order id (two puts of one key would race each other): the newest version, the last one on a tie. */
function newestPerId(writes: readonly OrderWrite[]): OrderWrite[] {
  const byId = new Map<string, OrderWrite>();
  for (const write of writes) {
    const kept = byId.get(write.order.id);
    if (!kept || kept.order.updatedAt <= write.order.updatedAt) byId.set(write.order.id, write);
  }
  return [...byId.values()];
}
