// The schedule's target: starts an incremental run with a descriptive execution name, or skips quietly while
// another run holds the lease (a skipped tick is normal, not an error).
import { z } from 'zod';
import { RunInProgressError } from '../core/errors';
import { startRun } from '../core/use-cases/start-run';
import { logger } from '../logger';
import { startDeps } from '../runtime/start';
import { lambdaHandler } from './lambda-handler';
import { parseStepEvent } from './step-events';

const scheduleEventSchema = z.object({
  mode: z.enum(['incremental', 'full']).default('incremental'),
  trigger: z.literal('schedule').default('schedule'),
});

export async function scheduledTrigger(event: unknown) {
  const request = parseStepEvent(scheduleEventSchema, event ?? {}, 'ScheduledTrigger');
  try {
    const started = await startRun(startDeps(), { mode: request.mode, trigger: 'schedule', resume: false });
    return { started: true, ...started };
  } catch (error) {
    if (!(error instanceof RunInProgressError)) throw error;
    logger.info('schedule tick skipped: a run is in progress', { running: error.running });
    return { started: false, skipped: error.message, running: error.running };
  }
}

export const handler = lambdaHandler(scheduledTrigger);
