// RecordStore on DynamoDB: a page's version check as one round of BatchGetItem, its upsert as parallel conditional
// PutItem calls (BatchWriteItem takes no condition), so no write puts an older version over a newer one; plus
// readers for tests, the CLI and audits.
import { BatchGetCommand, GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreWriteError } from '../../core/errors';
import type { Order } from '../../core/order';
import type { SyncRecord } from '../../core/record';
import type { RecordStore, RecordWrite, PutResult, StoredVersion, TombstoneWrite, UnwrittenPage } from '../../core/ports';
import { itemToStoredTombstone, tombstoneToItem, type StoredTombstone } from './tombstone-item';
import { chunk, DEFAULT_RETRY_POLICY, retryUnprocessed, type RetryPolicy, refusedAsFalse, retryableOnTransient } from './batching';
import { mapWithConcurrency } from '../../core/concurrency';
import { itemToStoredVersion, VERSION_ATTRIBUTES, type ItemMapping, type VersionAttributes } from './item-mapping';
import { ORDER_ITEMS, type StoredOrder } from './order-item';

/** DynamoDB's limits per call. */
const BATCH_GET_MAX_KEYS = 100;

/**
 * A write lands over no stored item (or one older), never over a newer version, whoever stored it (a zombie step
 * whose lease expired, a run that went on meanwhile). Of two versions with one `updated_at` (a source that stamps
 * whole seconds), the one read later is the newer: the write lands over a version of its `updated_at` read before it
 * (or stored before read times were kept). A tombstone (`deleted_at`, docs/design.md "Deletions") is
 * replaced only by a version made after the deletion, as an insert (the counter gains the order back), or by any
 * version when reconciliation inferred it (`inferred`); a write classified over a live version never lands over a
 * tombstone (it would bring the order back uncounted).
 */
const WRITE_OVER_NOTHING = 'attribute_not_exists(#id) OR #deleted_at < :updated_at OR #inferred = :inferred';
const WRITE_OVER_OLDER =
  'attribute_not_exists(#deleted_at) AND (#updated_at < :updated_at OR ' +
  '(#updated_at = :updated_at AND (attribute_not_exists(#read_at) OR #read_at < :read_at)))';
/** A tombstone lands over nothing, or over a live version not newer than the deletion; never over a tombstone. */
const TOMBSTONE_OVER_NOTHING = 'attribute_not_exists(#id)';
const TOMBSTONE_OVER_LIVE = 'attribute_not_exists(#deleted_at) AND #updated_at <= :deleted_at';
/** Scan calls one reconciliation step makes at most, looking for a page of live orders the run did not write. */
const SCAN_CALLS_PER_STEP = 20;

export interface DynamoRecordStoreOptions<R extends SyncRecord, Stored> {
  /** The document client, built once per process (client.ts). Only its `send` is used. */
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** The stream's item mapping (default: the orders stream's). */
  items?: ItemMapping<R, Stored>;
  /** PutItem calls in flight at once for one putRecords (default 16). */
  writeConcurrency?: number;
  /** Retrying unprocessed keys. */
  retry?: Partial<RetryPolicy>;
}

type Key = { id: string };

export class DynamoRecordStore<R extends SyncRecord = Order, Stored = StoredOrder> implements RecordStore<R> {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  private readonly items: ItemMapping<R, Stored>;
  private readonly writeConcurrency: number;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoRecordStoreOptions<R, Stored>) {
    this.client = options.client;
    this.items = options.items ?? (ORDER_ITEMS as unknown as ItemMapping<R, Stored>);
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
        `${leftCount} of ${keys.length} item versions could not be read from ${this.tableName}: ` +
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
    const answer = await retryableOnTransient(this.tableName, `reading ${keys.length} item versions`, () => this.client.send(request));
    for (const item of answer.Responses?.[this.tableName] ?? []) {
      const version = itemToStoredVersion(item);
      versions.set(version.id, version);
    }
    return (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
  }

  unstorable(record: R): string | null {
    return this.items.unstorable(record);
  }

  async putRecords(writes: readonly RecordWrite<R>[]): Promise<PutResult> {
    // Every item is built (and checked for size) before the first write: a page that cannot be stored
    // fails whole instead of half-written.
    const puts = newestPerId(writes).map((write) => ({ item: this.items.toItem(write), replaces: write.replaces }));
    const written = await mapWithConcurrency(puts, this.writeConcurrency, ({ item, replaces }) =>
      retryableOnTransient(this.tableName, `writing item ${item.id}`, () => this.conditionalPut(item, replaces)),
    );
    return { refusedIds: puts.filter((_, index) => !written[index]).map(({ item }) => item.id) };
  }

  /** One conditional PutItem; false when the stored version refused it. */
  private async conditionalPut(item: VersionAttributes, replaces: string | null): Promise<boolean> {
    const request = new PutCommand({
      TableName: this.tableName,
      Item: { ...item },
      ConditionExpression: replaces === null ? WRITE_OVER_NOTHING : WRITE_OVER_OLDER,
      ...(replaces === null
        ? {
            ExpressionAttributeNames: { '#id': 'id', '#deleted_at': 'deleted_at', '#inferred': 'inferred' },
            ExpressionAttributeValues: { ':updated_at': item.updated_at, ':inferred': true },
          }
        : {
            ExpressionAttributeNames: { '#updated_at': 'updated_at', '#deleted_at': 'deleted_at', '#read_at': 'read_at' },
            ExpressionAttributeValues: { ':updated_at': item.updated_at, ':read_at': item.read_at },
          }),
    });
    return refusedAsFalse(() => this.client.send(request));
  }

  async putTombstones(writes: readonly TombstoneWrite[]): Promise<PutResult> {
    const written = await mapWithConcurrency([...writes], this.writeConcurrency, (write) =>
      retryableOnTransient(this.tableName, `writing the tombstone of order ${write.id}`, () =>
        refusedAsFalse(() =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: { ...tombstoneToItem(write) },
              ...(write.replaces === null
                ? { ConditionExpression: TOMBSTONE_OVER_NOTHING, ExpressionAttributeNames: { '#id': 'id' } }
                : {
                    ConditionExpression: TOMBSTONE_OVER_LIVE,
                    ExpressionAttributeNames: { '#updated_at': 'updated_at', '#deleted_at': 'deleted_at' },
                    ExpressionAttributeValues: { ':deleted_at': write.deletedAt },
                  }),
            }),
          ),
        ),
      ),
    );
    return { refusedIds: writes.filter((_, index) => !written[index]).map((write) => write.id) };
  }

  async scanUnwritten(runId: string, request: { cursor: string | null; limit: number }): Promise<UnwrittenPage> {
    const versions: StoredVersion[] = [];
    let startKey: Record<string, unknown> | undefined = request.cursor === null ? undefined : { id: request.cursor };
    const names = projection(VERSION_ATTRIBUTES);
    // Scan's Limit counts the items read, before the filter: asking for what is left of the page keeps it at `limit`.
    for (let call = 0; call < SCAN_CALLS_PER_STEP && versions.length < request.limit; call++) {
      const answer = await retryableOnTransient(this.tableName, 'scanning the orders', () =>
        this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ConsistentRead: true,
            Limit: request.limit - versions.length,
            ExclusiveStartKey: startKey,
            FilterExpression:
              'attribute_not_exists(#deleted_at) AND (attribute_not_exists(#write_tag) OR NOT begins_with(#write_tag, :run))',
            ProjectionExpression: names.ProjectionExpression,
            ExpressionAttributeNames: { ...names.ExpressionAttributeNames, '#deleted_at': 'deleted_at', '#write_tag': 'write_tag' },
            ExpressionAttributeValues: { ':run': `${runId}#` },
          }),
        ),
      );
      versions.push(...(answer.Items ?? []).map(itemToStoredVersion));
      startKey = answer.LastEvaluatedKey;
      if (!startKey) break;
    }
    return { versions, nextCursor: startKey ? String(startKey.id) : null };
  }

  /** The stored record, raw included (decompressed when it was stored gzip-compressed); null when absent or deleted (a tombstone). */
  async readRecord(id: string): Promise<Stored | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return answer.Item && answer.Item.deleted_at === undefined ? this.items.fromItem(answer.Item) : null;
  }

  /** Every stored live record (tombstones left out), page by page (Scan's 1 MB pages): memory stays flat. */
  async *scanAll(): AsyncGenerator<Stored> {
    for await (const item of this.scanItems()) if (item.deleted_at === undefined) yield this.items.fromItem(item);
  }

  /** Every tombstone: the deleted orders the copy keeps by id. */
  async *scanTombstones(): AsyncGenerator<StoredTombstone> {
    for await (const item of this.scanItems()) if (item.deleted_at !== undefined) yield itemToStoredTombstone(item);
  }

  /** Every stored item's version only, tombstones included (deletedAt set): the cheap way to compare with the source. */
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
export function projection(attributes: readonly string[]): {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
} {
  return {
    ProjectionExpression: attributes.map((_, index) => `#p${index}`).join(', '),
    ExpressionAttributeNames: Object.fromEntries(attributes.map((name, index) => [`#p${index}`, name])),
  };
}

/**
 * One write per order id (two puts of one key would race each other): the newest version, the later read on a tie,
 * the last one on a tie of both.
 */
function newestPerId<R extends SyncRecord>(writes: readonly RecordWrite<R>[]): RecordWrite<R>[] {
  const byId = new Map<string, RecordWrite<R>>();
  for (const write of writes) {
    const kept = byId.get(write.record.id);
    const newer =
      !kept ||
      kept.record.updatedAt < write.record.updatedAt ||
      (kept.record.updatedAt === write.record.updatedAt && kept.readAt <= write.readAt);
    if (newer) byId.set(write.record.id, write);
  }
  return [...byId.values()];
}
