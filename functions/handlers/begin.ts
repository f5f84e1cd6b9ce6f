// Step "Begin": take the lease and plan the window (or pick up a run handed over by the previous execution).
import { beginRun } from '../core/use-cases/begin-run';
import { logger } from '../logger';
import { beginDeps } from '../runtime/begin';
import { enabledStream } from '../runtime/once';
import { lambdaHandler, logRunKeys } from './lambda-handler';
import { beginEventSchema, parseStepEvent } from './step-events';

export async function begin(event: unknown) {
  const parsed = parseStepEvent(beginEventSchema, event, 'Begin');
  if ('continueRun' in parsed.input) logRunKeys(parsed.input.continueRun);
  logger.appendKeys({ executionName: parsed.executionName });
  const stream = 'continueRun' in parsed.input ? parsed.input.continueRun.stream : parsed.input.stream;
  return beginRun(beginDeps(enabledStream(stream)), parsed);
}

export const handler = lambdaHandler(begin);
