// How a run ended, from its saved progress: the outcome commit and record-failure write and return, and the run's
// error as Step Functions' Catch hands it over.
import { epochMsOf } from './instant';
import type { CaughtError } from './run-state';
import type { RunError, RunOutcome, RunProgress } from './run-types';

/** The outcome of a run from its progress: failed when the progress carries an error, succeeded otherwise. */
export function outcomeOf(
  stream: string,
  progress: RunProgress,
  ended: { finishedAt: string; watermark: string | undefined; orderCount: number },
): RunOutcome {
  return {
    stream,
    runId: progress.runId,
    mode: progress.mode,
    trigger: progress.trigger,
    status: progress.error ? 'failed' : 'succeeded',
    window: progress.window,
    pages: progress.pages,
    counts: progress.counts,
    startedAt: progress.startedAt,
    finishedAt: ended.finishedAt,
    durationSeconds: Math.round((epochMsOf(ended.finishedAt) - epochMsOf(progress.startedAt)) / 100) / 10,
    executionName: progress.executionName,
    ...(ended.watermark ? { watermark: ended.watermark } : {}),
    orderCount: ended.orderCount,
    ...(progress.lookback ? { lookback: progress.lookback } : {}),
    ...(progress.error ? { error: progress.error } : {}),
  };
}

/** Turn Step Functions' `{Error, Cause}` into the run's error; Lambda puts `{errorType, errorMessage}` JSON in Cause. */
export function runErrorFrom(caught: CaughtError | undefined, page: number, at: string): RunError {
  const name = caught?.Error ?? 'UnknownError';
  let message = caught?.Cause ?? 'no cause given';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not JSON: the cause is the message itself (the local runner passes it so).
  }
  return { name, message, page, at };
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
