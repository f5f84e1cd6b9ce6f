// The schedule's target: starts every enabled stream's incremental run with a descriptive execution name, each
// skipped quietly while another run of its stream holds the lease (a skipped tick is normal, not an error). A stream
// that cannot start (its state unreadable, Step Functions refusing) does not keep the others from starting.
import { z } from 'zod';
import { config } from '../config';
import { RunInProgressError } from '../core/errors';
import type { StreamName } from '../core/stream';
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
  const streams = config().STREAMS;
  const ticks = await Promise.allSettled(streams.map((stream) => startStream(stream, request.mode)));
  const failed = ticks.flatMap((tick, index) =>
    tick.status === 'rejected' ? [{ stream: streams[index]!, error: tick.reason as unknown }] : [],
  );
  for (const { stream, error } of failed) logger.error(`schedule tick: the ${stream} run could not start`, { stream, error });
  const answers = Object.fromEntries(ticks.flatMap((tick, index) => (tick.status === 'fulfilled' ? [[streams[index]!, tick.value]] : [])));
  // The tick fails (and EventBridge retries it) only when no stream could start or skip: a retry cannot harm the others.
  if (failed.length === streams.length) throw failed[0]!.error;
  return answers;
}

async function startStream(stream: StreamName, mode: 'incremental' | 'full') {
  try {
    const started = await startRun(startDeps(stream), { mode, trigger: 'schedule', resume: false });
    return { started: true, ...started };
  } catch (error) {
    if (!(error instanceof RunInProgressError)) throw error;
    logger.info(`schedule tick skipped for ${stream}: a run is in progress`, { stream, running: error.running });
    return { started: false, skipped: error.message, running: error.running };
  }
}

export const handler = lambdaHandler(scheduledTrigger);
