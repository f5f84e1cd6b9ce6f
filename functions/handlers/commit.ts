// Step "Commit": move the checkpoint to the window's upper bound, record the result, release the lease.
import { commitRun } from '../core/use-cases/commit-run';
import { commitDeps } from '../runtime/commit';
import { lambdaHandler, logRunKeys } from './lambda-handler';
import { parseStepEvent, runStateSchema } from './step-events';

export async function commit(event: unknown) {
  const run = parseStepEvent(runStateSchema, event, 'Commit');
  logRunKeys(run);
  return commitRun(commitDeps(), run);
}

export const handler = lambdaHandler(commit);
