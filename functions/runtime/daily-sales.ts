// The daily sales route's composition: the totals table and the sync state, read only.
import { DynamoDailySalesStore } from '../adapters/dynamodb/daily-sales-store';
import { config, required } from '../config';
import type { ReadDailySalesDeps } from '../core/use-cases/read-daily-sales';
import { once } from './once';
import { documentClient, syncStateStore } from './stores';

export const readDailySalesDeps = once((): ReadDailySalesDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    sales: new DynamoDailySalesStore({ client, tableName: required(cfg, 'DAILY_SALES_TABLE').DAILY_SALES_TABLE }),
    state: syncStateStore(cfg, client),
    zone: cfg.SHOP_TIME_ZONE,
  };
});
