// Step "RecordFailure": put the error on the run, keep its progress for a resume, release the lease.
import { recordFailure as recordRunFailure } from '../core/use-cases/record-failure';
import { recordFailureDeps } from '../runtime/record-failure';
import { lambdaHandler, logRunKeys } from './lambda-handler';
import { failedRunSchema, parseStepEvent } from './step-events';

export async function recordFailure(event: unknown) {
  const run = parseStepEvent(failedRunSchema, event, 'RecordFailure');
  logRunKeys(run);
  return recordRunFailure(recordFailureDeps(), run);
}

export const handler = lambdaHandler(recordFailure);
