// DailySalesStore on DynamoDB: entries as conditional PutItem calls under the version rule (entryReplaces, written
// again here as a condition expression), a day's entries and a range of totals each one Query, totals rows in batches.
import { BatchWriteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoreWriteError } from '../../core/errors';
import type { DayFigures, DaySales } from '../../core/analytics/daily-sales';
import type { LocalDay } from '../../core/analytics/local-day';
import type { DayPart, SalesEntry, SalesVersion } from '../../core/analytics/sales-entry';
import type { DailySalesStore, SalesEntryKey } from '../../core/ports';
import { chunk, DEFAULT_RETRY_POLICY, retryUnprocessed, type RetryPolicy, refusedAsFalse, retryableOnTransient } from './batching';
import { mapWithConcurrency } from '../../core/concurrency';

/** The stream whose sales the table keeps; in the key so another could share the table. */
const SCOPE = 'orders';
const TOTALS_SCOPE = `${SCOPE}#totals`;
const dayScope = (day: LocalDay): string => `${SCOPE}#day#${day}`;
/** Sorts after every `<day>#<currency>` of the day (currency codes are letters). */
const AFTER_CURRENCIES = '~';
const BATCH_WRITE_MAX_ITEMS = 25;

interface FigureAttributes {
  currency: string;
  orders: number;
  cancelled_orders: number;
  refunds: number;
  gross_sales: string;
  discounts: string;
  returns: string;
  shipping: string;
  taxes: string;
}

/** An entry's item; the figures are absent when the version adds nothing to the day. */
interface EntryItem extends Partial<FigureAttributes> {
  scope: string;
  key: string;
  day: string;
  /** The version's `updated_at`; a deletion's `deleted_at`, which it also carries. */
  updated_at: string;
  deleted_at?: string;
  read_at?: string;
  inferred?: true;
  write_tag: string;
}

interface TotalsItem extends FigureAttributes {
  scope: string;
  key: string;
  day: string;
}

function figureAttributes(currency: string, f: DayFigures): FigureAttributes {
  return {
    currency,
    orders: f.orders,
    cancelled_orders: f.cancelledOrders,
    refunds: f.refunds,
    gross_sales: f.grossSales,
    discounts: f.discounts,
    returns: f.returns,
    shipping: f.shipping,
    taxes: f.taxes,
  };
}

function figuresOf(item: FigureAttributes): DayFigures {
  return {
    orders: Number(item.orders),
    cancelledOrders: Number(item.cancelled_orders),
    refunds: Number(item.refunds),
    grossSales: item.gross_sales,
    discounts: item.discounts,
    returns: item.returns,
    shipping: item.shipping,
    taxes: item.taxes,
  };
}

function entryToItem(entry: SalesEntry): EntryItem {
  const { version } = entry;
  return {
    scope: dayScope(entry.day),
    key: entry.orderId,
    day: entry.day,
    updated_at: version.updatedAt,
    ...(version.deletedAt !== null ? { deleted_at: version.deletedAt } : {}),
    ...(version.readAt !== null ? { read_at: version.readAt } : {}),
    ...(version.inferred ? { inferred: true as const } : {}),
    write_tag: entry.writeTag,
    ...(entry.part ? figureAttributes(entry.part.currency, entry.part.figures) : {}),
  };
}

function itemToEntry(item: Record<string, unknown>): SalesEntry {
  const stored = item as unknown as EntryItem;
  const part: DayPart | null =
    stored.currency === undefined ? null : { currency: stored.currency, figures: figuresOf(stored as FigureAttributes) };
  return {
    day: stored.day,
    orderId: stored.key,
    part,
    version: {
      updatedAt: stored.updated_at,
      deletedAt: stored.deleted_at ?? null,
      readAt: stored.read_at ?? null,
      ...(stored.inferred === true ? { inferred: true } : {}),
    },
    writeTag: stored.write_tag,
  };
}

type Condition = {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
};

const NAMES = { '#key': 'key', '#updated_at': 'updated_at', '#deleted_at': 'deleted_at', '#read_at': 'read_at', '#inferred': 'inferred' };

/** entryReplaces as a condition on the stored entry (absent: the put lands). */
function replacesCondition(version: SalesVersion): Condition {
  if (version.deletedAt !== null) {
    return {
      ConditionExpression: 'attribute_not_exists(#key) OR #updated_at <= :deleted_at',
      ExpressionAttributeNames: { '#key': 'key', '#updated_at': 'updated_at' },
      ExpressionAttributeValues: { ':deleted_at': version.deletedAt },
    };
  }
  const sameSecond =
    version.readAt === null ? 'attribute_not_exists(#read_at)' : '(attribute_not_exists(#read_at) OR #read_at <= :read_at)';
  return {
    ConditionExpression:
      'attribute_not_exists(#key) OR #deleted_at < :updated_at OR #inferred = :true OR ' +
      `(attribute_not_exists(#deleted_at) AND (#updated_at < :updated_at OR (#updated_at = :updated_at AND ${sameSecond})))`,
    ExpressionAttributeNames: NAMES,
    ExpressionAttributeValues: {
      ':updated_at': version.updatedAt,
      ':true': true,
      ...(version.readAt === null ? {} : { ':read_at': version.readAt }),
    },
  };
}

/** The stored entry holds exactly this version. */
function holdsCondition(version: SalesVersion): Condition {
  const values: Record<string, unknown> = { ':updated_at': version.updatedAt };
  const parts = ['#updated_at = :updated_at'];
  const equalOrAbsent = (name: '#deleted_at' | '#read_at', value: string | null, placeholder: string): void => {
    if (value === null) parts.push(`attribute_not_exists(${name})`);
    else {
      parts.push(`${name} = ${placeholder}`);
      values[placeholder] = value;
    }
  };
  equalOrAbsent('#deleted_at', version.deletedAt, ':deleted_at');
  equalOrAbsent('#read_at', version.readAt, ':read_at');
  if (version.inferred) {
    parts.push('#inferred = :true');
    values[':true'] = true;
  } else parts.push('attribute_not_exists(#inferred)');
  return {
    ConditionExpression: parts.join(' AND '),
    ExpressionAttributeNames: { '#updated_at': 'updated_at', '#deleted_at': 'deleted_at', '#read_at': 'read_at', '#inferred': 'inferred' },
    ExpressionAttributeValues: values,
  };
}

export interface DynamoDailySalesStoreOptions {
  client: Pick<DynamoDBDocumentClient, 'send'>;
  tableName: string;
  /** PutItem calls in flight at once for one putEntries (default 16). */
  writeConcurrency?: number;
  retry?: Partial<RetryPolicy>;
}

export class DynamoDailySalesStore implements DailySalesStore {
  private readonly client: Pick<DynamoDBDocumentClient, 'send'>;
  readonly tableName: string;
  private readonly writeConcurrency: number;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoDailySalesStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.writeConcurrency = options.writeConcurrency ?? 16;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  async putEntries(entries: readonly SalesEntry[]): Promise<{ refused: SalesEntryKey[] }> {
    const landed = await mapWithConcurrency(entries, this.writeConcurrency, (entry) =>
      refusedAsFalse(() =>
        retryableOnTransient(this.tableName, `writing the sales entry of order ${entry.orderId} on ${entry.day}`, () =>
          this.client.send(
            new PutCommand({ TableName: this.tableName, Item: { ...entryToItem(entry) }, ...replacesCondition(entry.version) }),
          ),
        ),
      ),
    );
    return { refused: entries.filter((_, index) => !landed[index]).map(({ day, orderId }) => ({ day, orderId })) };
  }

  async correctEntry(key: SalesEntryKey, expected: SalesVersion, replacement: SalesEntry): Promise<boolean> {
    return refusedAsFalse(() =>
      retryableOnTransient(this.tableName, `correcting the sales entry of order ${key.orderId} on ${key.day}`, () =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...entryToItem(replacement) }, ...holdsCondition(expected) })),
      ),
    );
  }

  async entriesOf(day: LocalDay): Promise<SalesEntry[]> {
    const items = await this.query(`reading the sales entries of ${day}`, {
      KeyConditionExpression: '#scope = :scope',
      ExpressionAttributeNames: { '#scope': 'scope' },
      ExpressionAttributeValues: { ':scope': dayScope(day) },
    });
    return items.map(itemToEntry);
  }

  async putTotals(rows: readonly DaySales[]): Promise<void> {
    const items = rows.map(({ day, currency, figures }): TotalsItem => ({
      scope: TOTALS_SCOPE,
      key: `${day}#${currency}`,
      day,
      ...figureAttributes(currency, figures),
    }));
    await this.batchWrite(
      'writing daily sales totals',
      items.map((item) => ({ PutRequest: { Item: { ...item } } })),
    );
  }

  async deleteTotals(keys: ReadonlyArray<{ day: LocalDay; currency: string }>): Promise<void> {
    await this.batchWrite(
      'deleting daily sales totals',
      keys.map(({ day, currency }) => ({ DeleteRequest: { Key: { scope: TOTALS_SCOPE, key: `${day}#${currency}` } } })),
    );
  }

  async totalsBetween(from: LocalDay, to: LocalDay): Promise<DaySales[]> {
    const items = await this.query(`reading the daily sales from ${from} to ${to}`, {
      KeyConditionExpression: '#scope = :scope AND #key BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#scope': 'scope', '#key': 'key' },
      ExpressionAttributeValues: { ':scope': TOTALS_SCOPE, ':from': `${from}#`, ':to': `${to}#${AFTER_CURRENCIES}` },
    });
    return items.map((item) => {
      const row = item as unknown as TotalsItem;
      return { day: row.day, currency: row.currency, figures: figuresOf(row) };
    });
  }

  /** Every item a Query answers, page after page (a range of totals is one page; a busy day's entries a few). */
  private async query(
    doing: string,
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const answer = await retryableOnTransient(this.tableName, doing, () =>
        this.client.send(new QueryCommand({ ...input, TableName: this.tableName, ConsistentRead: true, ExclusiveStartKey: startKey })),
      );
      items.push(...(answer.Items ?? []));
      startKey = answer.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  private async batchWrite(doing: string, requests: Array<Record<string, unknown>>): Promise<void> {
    const left = await mapWithConcurrency(chunk(requests, BATCH_WRITE_MAX_ITEMS), 4, (batch) =>
      retryUnprocessed(
        batch,
        async (pending) => {
          const answer = await retryableOnTransient(this.tableName, doing, () =>
            this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } })),
          );
          return (answer.UnprocessedItems?.[this.tableName] ?? []) as Array<Record<string, unknown>>;
        },
        this.retry,
      ),
    );
    const leftCount = left.reduce((sum, batch) => sum + batch.length, 0);
    if (leftCount > 0) throw new StoreWriteError(`${doing} in ${this.tableName}: ${leftCount} of ${requests.length} left unprocessed`);
  }
}
