// Use case "sync deletions": after the order pages, one page of the source's deletion feed per invocation, for the
// run's window (the same overlap as the pages), each listed order turned into a tombstone.
import { markAfterPage } from '../cursor-walk';
import { runDeletionStep } from '../deletion-step';
import type { DeletedPage } from '../ports';
import type { RunState } from '../run-state';
import { phasePlan, type SyncPageDeps } from './sync-page';

/**
 * Step "sync deletions": fetch the feed page at the phase's cursor, then as a page step does: claim its ids, write
 * tombstones tagged with the step (over a live version not newer than the deletion, or over nothing, so a late page
 * cannot bring the order in), count the live orders deleted, save the cursor and the counter in one conditional write.
 */
export async function syncDeletions(deps: SyncPageDeps, state: RunState): Promise<RunState> {
  const { run } = state;
  const fetchDeleted = deps.source.fetchDeleted!.bind(deps.source);
  const page: DeletedPage = await fetchDeleted({ window: run.window, cursor: run.phaseCursor ?? null, limit: deps.settings.pageSize });
  const cursorMark = markAfterPage({
    mark: run.cursorMark,
    cursor: run.phaseCursor ?? null,
    nextCursor: page.nextCursor,
    step: run.deletionSteps ?? 0,
    feed: 'deletion feed',
  });
  return runDeletionStep(deps, state, {
    phase: 'deletions',
    cursorMark,
    ids: page.deletions.map((deletion) => deletion.id),
    deletionsOf: async () => ({ deletions: page.deletions, stats: page.stats }),
    nextCursor: page.nextCursor,
    plan: phasePlan(deps),
  });
}
