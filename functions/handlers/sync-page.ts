// Step "SyncPage": fetch one page, upsert it, save the cursor and counts. One page per invocation, whatever the shop's size.
import { syncPage as syncOnePage } from '../core/use-cases/sync-page';
import { syncPageDeps } from '../runtime/sync-page';
import { lambdaHandler, logRunKeys } from './lambda-handler';
import { parseStepEvent, runStateSchema } from './step-events';

export async function syncPage(event: unknown) {
  const run = parseStepEvent(runStateSchema, event, 'SyncPage');
  logRunKeys(run);
  return syncOnePage(syncPageDeps(), run);
}

export const handler = lambdaHandler(syncPage);
