// The one wrapper every Lambda entry point shares: middy with the Powertools tracer (a segment per invocation), the
// logger's context (keys reset per call) and the metrics, flushed as one EMF line after each invocation.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { tracer } from '../tracer';
import type { RunState } from '../core/run-state';

export function lambdaHandler<E, R>(plain: (event: E, context: Context) => Promise<R>) {
  return (
    middy<E, R, Error, Context>(plain)
      // The response is the run's state or the API's answer: the trace needs timings, not data.
      .use(captureLambdaHandler(tracer, { captureResponse: false }))
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics))
  );
}

/** Put the run's keys on every log line of this invocation. */
export function logRunKeys(state: Pick<RunState, 'stream' | 'run'>): void {
  const { run } = state;
  logger.appendKeys({
    stream: state.stream,
    runId: run.runId,
    executionName: run.executionName,
    mode: run.mode,
    page: run.pages,
    part: run.part,
  });
}
