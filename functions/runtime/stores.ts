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
import type { SalesWriteDeps } from '../core/analytics/write-sales-entries';
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

/** The stream's copy table, through its item mapping (in the zone the daily sales count days in). */
export function recordStore(cfg: Config, client: DynamoDBDocumentClient, stream: StreamName): DynamoRecordStore<SyncRecord, unknown> {
  const variable = copyTableVariable(stream);
  const items = bindingOf(stream).items(cfg.SHOP_TIME_ZONE);
  return new DynamoRecordStore({ client, tableName: required(cfg, variable)[variable], items });
}

/** The orders stream's daily sales: entries and totals, the orders they are read from, the days touched. */
export function dailySalesDeps(cfg: Config, client: DynamoDBDocumentClient): SalesWriteDeps {
  const tables = required(cfg, 'DAILY_SALES_TABLE', 'SYNC_STATE_TABLE', copyTableVariable('orders'));
  return {
    entries: new DynamoDailySalesStore({ client, tableName: tables.DAILY_SALES_TABLE }),
    orders: new DynamoOrderSalesReader({ client, tableName: tables[copyTableVariable('orders')] }),
    touched: new DynamoTouchedDaysStore({ client, tableName: tables.SYNC_STATE_TABLE }),
    zone: cfg.SHOP_TIME_ZONE,
    stream: 'orders',
  };
}

export function quarantineStore(cfg: Config, client: DynamoDBDocumentClient): DynamoQuarantineStore {
  return new DynamoQuarantineStore({ client, tableName: required(cfg, 'QUARANTINE_TABLE').QUARANTINE_TABLE });
}
