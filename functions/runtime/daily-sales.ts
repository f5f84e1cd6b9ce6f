// The daily sales route's composition: the totals table and the sync state (the zone they are counted in), read only.
import { config, required } from '../config';
import type { ReadDailySalesDeps } from '../core/use-cases/read-daily-sales';
import { once } from './once';
import { dailySalesStores, documentClient, syncStateStore } from './stores';

export const readDailySalesDeps = once((): ReadDailySalesDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    salesIn: dailySalesStores(client, required(cfg, 'DAILY_SALES_TABLE').DAILY_SALES_TABLE),
    state: syncStateStore(cfg, client),
  };
});
