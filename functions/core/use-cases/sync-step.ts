// The state machine's looped step: the run's next step, whichever phase it is in (docs/design.md "Deletions"): an
// order page, a deletion feed page, or a reconciliation step. Each is bounded, so no invocation nears Lambda's limit.
import { phaseOf } from '../run-phase';
import type { RunState } from '../run-state';
import { reconcileCopy } from './reconcile-copy';
import { syncDeletions } from './sync-deletions';
import { syncPage, type SyncPageDeps } from './sync-page';

export async function syncStep(deps: SyncPageDeps, state: RunState): Promise<RunState> {
  if (state.done) return state;
  const phase = phaseOf(state.run);
  if (phase === 'deletions') return syncDeletions(deps, state);
  if (phase === 'reconcile') return reconcileCopy(deps, state);
  return syncPage(deps, state);
}
