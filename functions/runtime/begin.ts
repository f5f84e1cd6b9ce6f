// Begin's composition: the sync-state item, the orders table (stored versions only), the source, the metrics.
import { config } from '../config';
import type { BeginDeps } from '../core/use-cases/begin-run';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { once } from './once';
import { orderSource } from './source';
import { documentClient, orderStore, syncStateStore } from './stores';

export const beginDeps = once((): BeginDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: {
      stream: cfg.STREAM,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      maxPagesPerPart: cfg.MAX_PAGES_PER_EXECUTION,
      autoResumes: cfg.FULL_RESYNC_AUTO_RESUMES,
      lookback: { reachMs: cfg.LOOKBACK_SECONDS * 1000, everyMs: cfg.LOOKBACK_EVERY_SECONDS * 1000 },
    },
    state: syncStateStore(cfg, client),
    records: orderStore(cfg, client),
    source: orderSource(cfg),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
});
