// The state machine's looped step: the run's next step, by the phase its position names (docs/design.md "SyncPage:
// the looped step"): a record page, a deletion feed page, or a reconciliation step. Each is bounded, so no invocation nears
// Lambda's limit; all go through step.ts's one protocol.
import { ownSavedRun } from '../lease';
import { after } from '../run-position';
import type { RunState } from '../run-state';
import type { StepDeps } from '../step';
import { reconcileCopy } from './reconcile-copy';
import { recomputeTouchedDays, thenRecompute } from './recompute-step';
import { syncDeletions } from './sync-deletions';
import { syncPage } from './sync-page';

export async function syncStep(deps: StepDeps, state: RunState): Promise<RunState> {
  const invokedAtMs = deps.clock();
  switch (state.run.position.phase) {
    case 'done':
      // Reached only when commit sent the run back to a phase (SalesDaysLeftError, caught into the page loop), or when
      // a run begins at its end: the run as saved, so a run sent back is taken up where commit put it.
      return after(state, ownSavedRun(await deps.state.get(state.stream), state.leaseOwner, state.run.runId, deps.clock()));
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
