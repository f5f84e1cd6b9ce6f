// Begin's composition, per stream: the sync-state item, the stream's copy table (stored versions only), its source,
// the metrics.
import { config } from '../config';
import type { BeginDeps } from '../core/use-cases/begin-run';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { oncePerStream } from './once';
import { recordSource } from './source';
import { documentClient, recordStore, syncStateStore } from './stores';

export const beginDeps = oncePerStream((stream): BeginDeps => {
  const cfg = config();
  const client = documentClient(cfg);
  return {
    settings: {
      stream,
      leaseMs: cfg.LEASE_SECONDS * 1000,
      overlapMs: cfg.OVERLAP_SECONDS * 1000,
      maxPagesPerPart: cfg.MAX_PAGES_PER_EXECUTION,
      autoResumes: cfg.FULL_RESYNC_AUTO_RESUMES,
      lookback: { reachMs: cfg.LOOKBACK_SECONDS * 1000, everyMs: cfg.LOOKBACK_EVERY_SECONDS * 1000 },
    },
    state: syncStateStore(cfg, client),
    records: recordStore(cfg, client, stream),
    source: recordSource(cfg, stream, client),
    clock: Date.now,
    log,
    metrics: new PowertoolsRunMetrics(),
  };
});
