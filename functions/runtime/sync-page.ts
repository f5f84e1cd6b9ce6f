// SyncPage's composition: the sync-state item, the orders and quarantine tables, the source, the run metrics.
import { config } from '../config';
import type { SyncPageDeps } from '../core/use-cases/sync-page';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { once } from './once';
import { pageStepSource } from './source';
import { documentClient, orderStore, quarantineStore, syncStateStore } from './stores';

export const syncPageDeps = once((): SyncPageDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: {
      pageSize: cfg.PAGE_SIZE,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      reconcile: cfg.RECONCILE_AFTER_FULL_RESYNC,
    },
    state: syncStateStore(cfg, client),
    records: orderStore(cfg, client),
    quarantine: quarantineStore(cfg, client),
    source: pageStepSource(cfg),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
});
