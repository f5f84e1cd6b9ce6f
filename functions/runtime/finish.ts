// Commit's and RecordFailure's composition (each function builds its own): the sync-state item, a clock, the logger
// and the run metrics.
import { config } from '../config';
import type { CommitDeps } from '../core/use-cases/commit-run';
import type { RecordFailureDeps } from '../core/use-cases/record-failure';
import { log } from '../logger';
import { PowertoolsRunMetrics } from '../metrics';
import { once } from './once';
import { documentClient, syncStateStore } from './stores';

export const finishDeps = once((): CommitDeps & RecordFailureDeps => {
  const cfg = config();
  return { state: syncStateStore(cfg, documentClient(cfg)), clock: Date.now, log, metrics: new PowertoolsRunMetrics() };
});
