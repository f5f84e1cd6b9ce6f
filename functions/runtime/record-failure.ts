// RecordFailure's composition: the sync-state item, a clock, the logger and the run metrics.
import { config } from '../config';
import type { RecordFailureDeps } from '../core/use-cases/record-failure';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { once } from './once';
import { documentClient, syncStateStore } from './stores';

export const recordFailureDeps = once((): RecordFailureDeps => {
  const cfg = config();
  return { state: syncStateStore(cfg, documentClient(cfg)), clock: Date.now, log, metrics: new PowertoolsRunMetrics() };
});
