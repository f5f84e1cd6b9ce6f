// QuarantineStore on DynamoDB: the quarantine table (tables.ts), one item per order set aside per stream. A page's
// look-up is one round of BatchGetItem, its changes BatchWriteItem puts and deletes; the status reads the `newest`
// index, which holds no payload, for the count and the newest entries. Beside each entry first seen, a small marker
// keyed by when (`first#<first seen>#<key>`): commit reads the markers of its span, never the whole quarantine.
import { BatchGetCommand, BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { StoreWriteError } from '../../core/errors';
import type { QuarantineStore } from '../../core/ports';
import { epochMsOf } from '../../core/instant';
import type { Instant } from '../../core/order';
import {
  shownId,
  type QuarantineEntry,
  type QuarantineMark,
  type QuarantineSummary,
  type QuarantinedOrderView,
} from '../../core/quarantine';
import { chunk, DEFAULT_RETRY_POLICY, retryUnprocessed, type RetryPolicy, retryableOnTransient } from './batching';
import { mapWithConcurrency } from '../../core/concurrency';
import { decodeRawJson, encodeRawJson } from './raw-payload';
import { QUARANTINE_TABLE_KEY } from './tables';

const BATCH_GET_MAX_KEYS = 100;
/** How long a first-seen marker is kept (DynamoDB's TTL removes it): far longer than any gap between two commits. */
const MARKER_TTL_SECONDS = 90 * 86_400;

/**
 * The sort key of the marker of an entry first seen at `firstSeenAt`: markers sort by when, before every entry key
 * (`order#…`, `payload#…`), and `first#<instant>$` bounds every marker of that instant (`$` sorts after `#`).
 */
const markerKey = (firstSeenAt: Instant, key: string) => `first#${firstSeenAt}#${key}`;
const markersThrough = (instant: Instant) => `first#${instant}$`;

/** A marker as stored: what commit announces of an entry first seen, without its payload; not in the `newest` index. */
interface MarkerItem {
  stream: string;
  key: string;
  marker_of: string;
  id: string | null;
  field: string;
  message: string;
  first_seen_at: string;
  stored_updated_at: string | null;
  raw_kept: boolean;
  /** Epoch seconds (QUARANTINE_TABLE_KEY.ttlAttribute): DynamoDB's TTL deletes the marker then. */
  expires_at: number;
}
const BATCH_WRITE_MAX_ITEMS = 25;

export interface DynamoQuarantineStoreOptions {
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  retry?: Partial<RetryPolicy>;
}

/** The quarantine table's item (snake_case, as the orders table's). */
export interface QuarantineItem {
  stream: string;
  key: string;
  /** Null for an order with no usable id (its key is derived from the payload). */
  id: string | null;
  field: string;
  message: string;
  first_seen_at: string;
  first_seen_run: string;
  last_seen_at: string;
  last_seen_run: string;
  stored_updated_at: string | null;
  /** The rejected version's updated_at (null: unreadable; absent on entries written before it was kept). */
  rejected_updated_at?: string | null;
  /** The payload as sent (`raw`) or gzip-compressed (`raw_gz`); neither when it was too big even compressed ... */
  raw?: string;
  raw_gz?: Uint8Array;
  raw_kept: boolean;
  /** ... and then at least its size and digest are kept, to recognise it at the source. */
  raw_bytes: number;
  raw_sha256: string;
}

type Key = { stream: string; key: string };

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Key } };

export function entryToItem(stream: string, entry: QuarantineEntry): QuarantineItem {
  const json = JSON.stringify(entry.raw) ?? 'null';
  const encoded = encodeRawJson(json);
  return {
    stream,
    key: entry.key,
    id: entry.id,
    field: entry.field,
    message: entry.message,
    first_seen_at: entry.firstSeenAt,
    first_seen_run: entry.firstSeenRun,
    last_seen_at: entry.lastSeenAt,
    last_seen_run: entry.lastSeenRun,
    stored_updated_at: entry.storedUpdatedAt,
    rejected_updated_at: entry.rejectedUpdatedAt,
    ...('tooLarge' in encoded ? {} : encoded),
    raw_kept: !('tooLarge' in encoded),
    raw_bytes: Buffer.byteLength(json, 'utf8'),
    raw_sha256: createHash('sha256').update(json).digest('hex'),
  };
}

export function itemToView(item: Record<string, unknown>): QuarantinedOrderView {
  const stored = item as unknown as QuarantineItem;
  return viewOf(stored.key, stored, stored.last_seen_at);
}

/** The view of an entry, from its item or its first-seen marker (which names the entry's key and holds the same fields). */
function viewOf(
  key: string,
  fields: Pick<QuarantineItem, 'id' | 'field' | 'message' | 'first_seen_at' | 'stored_updated_at' | 'raw_kept'>,
  seenAt: QuarantineItem['last_seen_at'],
): QuarantinedOrderView {
  return {
    id: shownId({ key, id: fields.id ?? null }),
    idFromPayload: fields.id == null,
    field: fields.field,
    message: fields.message,
    seenAt,
    firstSeenAt: fields.first_seen_at,
    storedUpdatedAt: fields.stored_updated_at ?? null,
    rawKept: fields.raw_kept,
  };
}

function markerOf(item: QuarantineItem): MarkerItem {
  return {
    stream: item.stream,
    key: markerKey(item.first_seen_at, item.key),
    marker_of: item.key,
    id: item.id,
    field: item.field,
    message: item.message,
    first_seen_at: item.first_seen_at,
    stored_updated_at: item.stored_updated_at,
    raw_kept: item.raw_kept,
    expires_at: Math.floor(epochMsOf(item.first_seen_at) / 1000) + MARKER_TTL_SECONDS,
  };
}

function markerToView(item: Record<string, unknown>): QuarantinedOrderView {
  const marker = item as unknown as MarkerItem;
  return viewOf(marker.marker_of, marker, marker.first_seen_at);
}

/** The payload a quarantine item kept; undefined when it was too big to keep. */
export function rawOfItem(item: Record<string, unknown>): unknown {
  return decodeRawJson(item);
}

export class DynamoQuarantineStore implements QuarantineStore {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoQuarantineStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async find(stream: string, keys: readonly string[]): Promise<Map<string, QuarantineMark>> {
    const found = new Map<string, QuarantineMark>();
    const keyChunks = chunk(
      [...new Set(keys)].map((key): Key => ({ stream, key })),
      BATCH_GET_MAX_KEYS,
    );
    const left = await mapWithConcurrency(keyChunks, keyChunks.length, (keysOfChunk) =>
      retryUnprocessed(keysOfChunk, (pending) => this.batchGet(pending, found), this.retry),
    );
    const leftCount = left.reduce((sum, keysLeft) => sum + keysLeft.length, 0);
    if (leftCount > 0)
      throw new StoreWriteError(
        `${leftCount} quarantine keys could not be read from ${this.tableName} after ${this.retry.maxAttempts} attempts`,
      );
    return found;
  }

  private async batchGet(keys: Key[], found: Map<string, QuarantineMark>): Promise<Key[]> {
    const request = new BatchGetCommand({
      RequestItems: {
        // Consistent: the page before this one may have quarantined the order a moment ago.
        [this.tableName]: {
          Keys: keys,
          ConsistentRead: true,
          ProjectionExpression: '#key, #first_seen_at, #first_seen_run, #rejected_updated_at',
          ExpressionAttributeNames: {
            '#key': 'key',
            '#first_seen_at': 'first_seen_at',
            '#first_seen_run': 'first_seen_run',
            '#rejected_updated_at': 'rejected_updated_at',
          },
        },
      },
    });
    const answer = await retryableOnTransient(this.tableName, `reading ${keys.length} quarantine keys`, () => this.client.send(request));
    for (const item of answer.Responses?.[this.tableName] ?? []) {
      found.set(String(item.key), {
        firstSeenAt: String(item.first_seen_at),
        firstSeenRun: String(item.first_seen_run),
        rejectedUpdatedAt: typeof item.rejected_updated_at === 'string' ? item.rejected_updated_at : null,
      });
    }
    return (answer.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
  }

  async apply(stream: string, change: { put: readonly QuarantineEntry[]; release: readonly string[] }): Promise<void> {
    const items = change.put.map((entry) => entryToItem(stream, entry));
    const requests: WriteRequest[] = [
      ...items.map((item): WriteRequest => ({ PutRequest: { Item: { ...item } } })),
      // First seen by this run (a retry, or a later page of the run, writes the same marker again: one key).
      ...items
        .filter((item) => item.first_seen_run === item.last_seen_run)
        .map((item): WriteRequest => ({ PutRequest: { Item: { ...markerOf(item) } } })),
      ...change.release.map((key): WriteRequest => ({ DeleteRequest: { Key: { stream, key } } })),
    ];
    const left = await mapWithConcurrency(chunk(requests, BATCH_WRITE_MAX_ITEMS), 4, (requestsOfChunk) =>
      retryUnprocessed(requestsOfChunk, (pending) => this.batchWrite(pending), this.retry),
    );
    const leftCount = left.reduce((sum, requestsLeft) => sum + requestsLeft.length, 0);
    if (leftCount > 0) {
      throw new StoreWriteError(
        `${leftCount} of ${requests.length} quarantine writes were left unprocessed in ${this.tableName} after ${this.retry.maxAttempts} attempts`,
      );
    }
  }

  private async batchWrite(requests: WriteRequest[]): Promise<WriteRequest[]> {
    const request = new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } });
    const answer = await retryableOnTransient(this.tableName, `writing ${requests.length} quarantine entries`, () =>
      this.client.send(request),
    );
    return (answer.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
  }

  async summary(stream: string, limit: number): Promise<QuarantineSummary> {
    const index = QUARANTINE_TABLE_KEY.newestIndex;
    const byStream = {
      TableName: this.tableName,
      IndexName: index.name,
      KeyConditionExpression: '#stream = :stream',
      ExpressionAttributeNames: { '#stream': 'stream' },
      ExpressionAttributeValues: { ':stream': stream },
    };
    const [newest, count] = await Promise.all([
      this.client.send(new QueryCommand({ ...byStream, ScanIndexForward: false, Limit: limit })),
      this.count(byStream),
    ]);
    return { count, newest: (newest.Items ?? []).map(itemToView) };
  }

  /**
   * The entries first seen in the span, from their markers, read from the table itself (the index is eventually
   * consistent, and a commit right after its last page must see that page's entries): a key range of small items, so
   * the read costs what was quarantined in the span, whatever the quarantine holds. An entry released since still
   * counts: it was set aside in the span. Memory stays `limit` views.
   */
  async firstSeenBetween(stream: string, span: { after: Instant | null; until: Instant }, limit: number): Promise<QuarantineSummary> {
    let newest: QuarantinedOrderView[] = [];
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await retryableOnTransient(this.tableName, `reading the quarantine markers of ${stream}`, () =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#stream = :stream AND #key BETWEEN :from AND :to',
            ExpressionAttributeNames: { '#stream': 'stream', '#key': 'key' },
            ExpressionAttributeValues: {
              ':stream': stream,
              ':from': span.after === null ? 'first#' : markersThrough(span.after),
              ':to': markersThrough(span.until),
            },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      const views = (answer.Items ?? []).map(markerToView);
      count += views.length;
      newest = [...newest, ...views].sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt) || a.id.localeCompare(b.id)).slice(0, limit);
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return { count, newest };
  }

  /** Every entry counted through the index, page by page (its items hold no payload: some 3,000 a page). */
  private async count(query: ConstructorParameters<typeof QueryCommand>[0]): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(new QueryCommand({ ...query, Select: 'COUNT', ExclusiveStartKey: startKey }));
      count += answer.Count ?? 0;
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /** Every item of the stream, payload included (tests, audits). */
  async *scanStream(stream: string): AsyncGenerator<QuarantineItem> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#stream = :stream',
          ExpressionAttributeNames: { '#stream': 'stream' },
          ExpressionAttributeValues: { ':stream': stream },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      yield* ((answer.Items ?? []) as QuarantineItem[]).filter((item) => !('marker_of' in item));
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
  }
}
