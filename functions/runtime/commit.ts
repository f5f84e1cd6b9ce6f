// Commit's composition: the sync-state item and the quarantine (what was set aside since the last commit), a clock,
// the logger and the run metrics; with the daily sales, the orders stream's touched days (none may be left).
import { DynamoTouchedDaysStore } from '../adapters/dynamodb/touched-days-store';
import { config, required } from '../config';
import type { CommitDeps } from '../core/use-cases/commit-run';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { once } from './once';
import { documentClient, quarantineStore, syncStateStore } from './stores';

export const commitDeps = once((): CommitDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    state: syncStateStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
    ...(cfg.DAILY_SALES
      ? {
          sales: {
            stream: 'orders',
            touched: new DynamoTouchedDaysStore({ client, tableName: required(cfg, 'SYNC_STATE_TABLE').SYNC_STATE_TABLE }),
          },
        }
      : {}),
  };
});
