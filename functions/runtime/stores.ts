// The DynamoDB client and the stores over it, each store from the variable that names its table: a function given
// no such variable fails at cold start naming it.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createDynamoClient } from '../adapters/dynamodb/client';
import { DynamoRecordStore } from '../adapters/dynamodb/record-store';
import { DynamoQuarantineStore } from '../adapters/dynamodb/quarantine-store';
import { DynamoSyncStateStore } from '../adapters/dynamodb/sync-state-store';
import { DynamoDailySalesStore } from '../adapters/dynamodb/daily-sales-store';
import { DynamoOrderSalesReader } from '../adapters/dynamodb/order-sales-reader';
import { DynamoTouchedDaysStore } from '../adapters/dynamodb/touched-days-store';
import type { DailySalesDeps } from '../core/analytics/write-sales-entries';
import { required, type Config } from '../config';
import type { SyncRecord } from '../core/record';
import type { StreamName } from '../core/stream';
import { bindingOf, copyTableVariable } from '../streams';
import { traced } from '../tracer';

export function documentClient(cfg: Config): DynamoDBDocumentClient {
  return createDocumentClient(
    traced(createDynamoClient({ region: cfg.AWS_REGION, ...(cfg.DYNAMODB_ENDPOINT ? { endpoint: cfg.DYNAMODB_ENDPOINT } : {}) })),
  );
}

export function syncStateStore(cfg: Config, client: DynamoDBDocumentClient): DynamoSyncStateStore {
  return new DynamoSyncStateStore({ client, tableName: required(cfg, 'SYNC_STATE_TABLE').SYNC_STATE_TABLE });
}

/** The stream's copy table, through its item mapping. */
export function recordStore(cfg: Config, client: DynamoDBDocumentClient, stream: StreamName): DynamoRecordStore<SyncRecord, unknown> {
  const variable = copyTableVariable(stream);
  // A run's writes carry the zone Begin resolved (the daily sales'); without them, the configured zone or UTC.
  const items = bindingOf(stream).items(cfg.SHOP_TIME_ZONE || 'UTC');
  return new DynamoRecordStore({ client, tableName: required(cfg, variable)[variable], items });
}

/** The orders stream's daily sales: entries and totals (in the zone a run counts in), the orders they are read from, the days touched. */
export function dailySalesDeps(cfg: Config, client: DynamoDBDocumentClient): DailySalesDeps {
  const tables = required(cfg, 'DAILY_SALES_TABLE', 'SYNC_STATE_TABLE', copyTableVariable('orders'));
  return {
    entriesIn: dailySalesStores(client, tables.DAILY_SALES_TABLE),
    orders: new DynamoOrderSalesReader({ client, tableName: tables[copyTableVariable('orders')] }),
    touched: new DynamoTouchedDaysStore({ client, tableName: tables.SYNC_STATE_TABLE }),
    stream: 'orders',
  };
}

/** The daily sales table's store of each zone, made once per zone a warm function meets. */
export function dailySalesStores(client: DynamoDBDocumentClient, tableName: string): (zone: string) => DynamoDailySalesStore {
  const stores = new Map<string, DynamoDailySalesStore>();
  return (zone) => {
    let store = stores.get(zone);
    if (store === undefined) stores.set(zone, (store = new DynamoDailySalesStore({ client, tableName, zone })));
    return store;
  };
}

export function quarantineStore(cfg: Config, client: DynamoDBDocumentClient): DynamoQuarantineStore {
  return new DynamoQuarantineStore({ client, tableName: required(cfg, 'QUARANTINE_TABLE').QUARANTINE_TABLE });
}
