// Use case "sync deletions": the deletion feed's step. After the record pages, one page of the source's deletion
// feed per invocation, for the run's window (the same overlap as the pages), each listed record turned into a tombstone.
import { markAfterPage } from '../cursor-walk';
import type { RunState } from '../run-state';
import type { StepDeps } from '../step';
import { runTombstoneStep } from '../tombstone-step';

/**
 * Step "sync deletions": fetch the feed page at the run's cursor, then as every step does: claim its ids, write
 * tombstones tagged with the step (over a live version not newer than the deletion, or over nothing, so a late page
 * cannot bring the record in), count the live records deleted, save the position and the counter in one conditional write.
 */
export async function syncDeletions(deps: StepDeps, state: RunState): Promise<RunState> {
  const { run } = state;
  const { cursor, step } = run.position;
  // The walk numbers the feed's own pages (its errors name them so): the phase follows the record pages.
  const feedPage = step - run.pages;
  const page = await deps.source.fetchDeleted!({ window: run.window, cursor, limit: deps.settings.pageSize });
  return runTombstoneStep(deps, state, {
    phase: 'deletions',
    ids: page.deletions.map((deletion) => deletion.id),
    deletionsOf: async () => ({ deletions: page.deletions, stats: page.stats }),
    nextCursor: page.nextCursor,
    cursorMark: markAfterPage({ mark: run.cursorMark, cursor, nextCursor: page.nextCursor, step: feedPage, feed: 'deletion feed' }),
  });
}
