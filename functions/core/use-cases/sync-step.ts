// The state machine's looped step: the run's next step, by the phase its position names (docs/design.md "SyncPage:
// the looped step"): a record page, a deletion feed page, or a reconciliation step. Each is bounded, so no invocation nears
// Lambda's limit; all go through step.ts's one protocol.
import type { RunState } from '../run-state';
import type { StepDeps } from '../step';
import { reconcileCopy } from './reconcile-copy';
import { recomputeTouchedDays, thenRecompute } from './recompute-step';
import { syncDeletions } from './sync-deletions';
import { syncPage } from './sync-page';

export async function syncStep(deps: StepDeps, state: RunState): Promise<RunState> {
  if (state.done) return state;
  const invokedAtMs = deps.clock();
  switch (state.run.position.phase) {
    case 'done':
      return state;
    case 'records':
      return thenRecompute(deps, await syncPage(deps, state), invokedAtMs);
    case 'deletions':
      return thenRecompute(deps, await syncDeletions(deps, state), invokedAtMs);
    case 'reconcile':
      return thenRecompute(deps, await reconcileCopy(deps, state), invokedAtMs);
    case 'sales':
      return recomputeTouchedDays(deps, state);
  }
}
