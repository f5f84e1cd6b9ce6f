// The one description of the tables: the CDK stack builds them from it, the local stack and the tests create them
// in dynalite from it, so their keys can never drift apart.
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { STREAM_NAMES, type StreamName } from '../../core/stream';

/**
 * A copy table (orders, products, customers: one per stream): one item per record, keyed by the source's record id.
 * `type` is DynamoDB's (and CDK's AttributeType) code.
 */
export const COPY_TABLE_KEY = { partitionKey: 'id', type: 'S' } as const;

/**
 * The orders table's index `by_created_day` (docs/design.md "Listing one day's orders"): a day's orders (the local day
 * of `created_at` in the shop's zone, order-item.ts) by creation time, holding what a list shows and no payload, so
 * its entries stay small whatever the order. Tombstones have no `created_day`: deleted orders are not in it.
 */
export const ORDERS_BY_CREATED_DAY_INDEX = {
  name: 'by_created_day',
  partitionKey: 'created_day',
  sortKey: 'created_at',
  type: 'S',
  projected: ['order_number', 'status', 'financial_status', 'currency', 'total_price', 'customer_name'],
} as const;

/** Sync state: one item per stream (`orders`, later `products`, ...). */
export const SYNC_STATE_TABLE_KEY = { partitionKey: 'stream', type: 'S' } as const;

/**
 * Quarantine: one item per order set aside, keyed by stream and `order#<id>` (or `payload#<digest>` for an order
 * with no usable id), beside the stream's state and apart from the orders. Its index `newest` (stream, last seen)
 * holds only what the status lists, so counting the entries and reading the newest 20 never reads a raw payload.
 */
export const QUARANTINE_TABLE_KEY = {
  partitionKey: 'stream',
  sortKey: 'key',
  type: 'S',
  /** Epoch seconds after which DynamoDB deletes the item: only the first-seen markers carry it (quarantine-store.ts). */
  ttlAttribute: 'expires_at',
  newestIndex: {
    name: 'newest',
    sortKey: 'last_seen_at',
    projected: ['id', 'field', 'message', 'first_seen_at', 'stored_updated_at', 'raw_kept'],
  },
} as const;

/**
 * Daily sales (docs/design.md "Daily sales"): per order and day an entry (`scope` `orders#day#<day>`, `key` the order
 * id) and per day and currency a totals row (`scope` `orders#totals`, `key` `<day>#<currency>`), so a day's entries
 * and a range of totals are each one Query.
 */
export const DAILY_SALES_TABLE_KEY = { partitionKey: 'scope', sortKey: 'key', type: 'S' } as const;

export interface TableNames {
  ordersTable: string;
  productsTable: string;
  customersTable: string;
  syncStateTable: string;
  quarantineTable: string;
  /** Absent where the daily sales are not kept (a stack or test without them). */
  dailySalesTable?: string;
}

/** The names the local stack and the bench give the tables. */
export const LOCAL_TABLE_NAMES: TableNames = {
  ordersTable: 'orders',
  productsTable: 'products',
  customersTable: 'customers',
  syncStateTable: 'sync-state',
  quarantineTable: 'quarantine',
  dailySalesTable: 'daily-sales',
};

/** The stream's copy table among `names` (`ordersTable`, `productsTable`, `customersTable`). */
export function copyTableName(names: TableNames, stream: StreamName): string {
  return names[`${stream}Table`];
}

type TableKey = typeof COPY_TABLE_KEY | typeof SYNC_STATE_TABLE_KEY;

function dailySalesTableInput(tableName: string): CreateTableCommandInput {
  const key = DAILY_SALES_TABLE_KEY;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: key.partitionKey, AttributeType: key.type },
      { AttributeName: key.sortKey, AttributeType: key.type },
    ],
    KeySchema: [
      { AttributeName: key.partitionKey, KeyType: 'HASH' },
      { AttributeName: key.sortKey, KeyType: 'RANGE' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

function tableInput(tableName: string, key: TableKey): CreateTableCommandInput {
  return {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: key.partitionKey, AttributeType: key.type }],
    KeySchema: [{ AttributeName: key.partitionKey, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

function ordersTableInput(tableName: string): CreateTableCommandInput {
  const index = ORDERS_BY_CREATED_DAY_INDEX;
  const input = tableInput(tableName, COPY_TABLE_KEY);
  return {
    ...input,
    AttributeDefinitions: [
      ...input.AttributeDefinitions!,
      { AttributeName: index.partitionKey, AttributeType: index.type },
      { AttributeName: index.sortKey, AttributeType: index.type },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projected] },
      },
    ],
  };
}

function quarantineTableInput(tableName: string): CreateTableCommandInput {
  const key = QUARANTINE_TABLE_KEY;
  return {
    TableName: tableName,
    AttributeDefinitions: [
      { AttributeName: key.partitionKey, AttributeType: key.type },
      { AttributeName: key.sortKey, AttributeType: key.type },
      { AttributeName: key.newestIndex.sortKey, AttributeType: key.type },
    ],
    KeySchema: [
      { AttributeName: key.partitionKey, KeyType: 'HASH' },
      { AttributeName: key.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: key.newestIndex.name,
        KeySchema: [
          { AttributeName: key.partitionKey, KeyType: 'HASH' },
          { AttributeName: key.newestIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...key.newestIndex.projected] },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** CreateTable inputs for every table (on-demand capacity, as the CDK stack declares them). */
export function createTableInputs(names: TableNames): CreateTableCommandInput[] {
  return [
    ...STREAM_NAMES.map((stream) =>
      stream === 'orders' ? ordersTableInput(copyTableName(names, stream)) : tableInput(copyTableName(names, stream), COPY_TABLE_KEY),
    ),
    tableInput(names.syncStateTable, SYNC_STATE_TABLE_KEY),
    quarantineTableInput(names.quarantineTable),
    ...(names.dailySalesTable === undefined ? [] : [dailySalesTableInput(names.dailySalesTable)]),
  ];
}

/**
 * Create the tables when missing and wait until they are ACTIVE (dynalite, like DynamoDB, answers CREATING
 * first). For the local stack and tests only: in AWS the CDK stack owns the tables.
 */
export async function ensureTables(client: DynamoDBClient, names: TableNames, options: { deadlineMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.deadlineMs ?? 30_000);
  await Promise.all(
    createTableInputs(names).map(async (input) => {
      const tableName = input.TableName as string;
      try {
        await client.send(new CreateTableCommand(input));
      } catch (error) {
        // Already there (an earlier start, or a concurrent one): fine, we only wait for it below.
        if (!(error instanceof ResourceInUseException || (error as Error).name === 'ResourceInUseException')) throw error;
      }
      await waitUntilActive(client, tableName, deadline);
    }),
  );
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadline: number): Promise<void> {
  for (let delayMs = 20; ; delayMs = Math.min(delayMs * 2, 500)) {
    let status: string | undefined;
    try {
      const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
      status = described.Table?.TableStatus;
    } catch (error) {
      // Eventually consistent in AWS: a table just created can briefly be unknown.
      if (!(error instanceof ResourceNotFoundException || (error as Error).name === 'ResourceNotFoundException')) throw error;
    }
    if (status === 'ACTIVE') return;
    if (status === 'DELETING' || status === 'ARCHIVED' || status === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS') {
      throw new Error(`table ${tableName} is ${status}, it will not become ACTIVE`);
    }
    if (Date.now() + delayMs > deadline) {
      throw new Error(`table ${tableName} is still ${status ?? 'not found'} at the deadline; gave up waiting for ACTIVE`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
