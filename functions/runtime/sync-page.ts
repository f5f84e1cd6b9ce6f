// SyncPage's composition, per stream: the sync-state item, the stream's copy table, the quarantine, the stream's
// source, the run metrics; for the orders stream the daily sales too, when DAILY_SALES is on.
import { config } from '../config';
import type { StepDeps } from '../core/step';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { oncePerStream } from './once';
import { pageStepSource } from './source';
import { dailySalesDeps, documentClient, quarantineStore, recordStore, syncStateStore } from './stores';

export const syncPageDeps = oncePerStream((stream): StepDeps => {
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
    records: recordStore(cfg, client, stream),
    quarantine: quarantineStore(cfg, client),
    source: pageStepSource(cfg, stream, client),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
    ...(stream === 'orders' && cfg.DAILY_SALES ? { sales: dailySalesDeps(cfg, client) } : {}),
  };
});
