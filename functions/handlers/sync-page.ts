// Step "SyncPage": the run's next step (an order page, a deletion feed page, a reconciliation step), its cursor and
// counts saved. One bounded step per invocation, whatever the shop's size; the daily sales' first recompute step may
// follow the step that reached that phase in the same invocation (core/use-cases/recompute-step.ts).
import { syncStep } from '../core/use-cases/sync-step';
import { enabledStream } from '../runtime/once';
import { syncPageDeps } from '../runtime/sync-page';
import { lambdaHandler, logRunKeys } from './lambda-handler';
import { parseStepEvent, runStateSchema } from './step-events';

export async function syncPage(event: unknown) {
  const run = parseStepEvent(runStateSchema, event, 'SyncPage');
  logRunKeys(run);
  return syncStep(syncPageDeps(enabledStream(run.stream)), run);
}

export const handler = lambdaHandler(syncPage);
