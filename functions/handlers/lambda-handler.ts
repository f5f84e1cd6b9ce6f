// The one wrapper every Lambda entry point shares: middy with the Powertools logger's context, keys reset per call.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import type { RunState } from '../core/run-state';

export function lambdaHandler<E, R>(plain: (event: E) => Promise<R>) {
  return middy<E, R, Error, Context>(plain).use(injectLambdaContext(logger, { resetKeys: true }));
}

/** Put the run's keys on every log line of this invocation. */
export function logRunKeys(run: Pick<RunState, 'stream' | 'runId' | 'mode' | 'page' | 'part'>, executionName?: string): void {
  logger.appendKeys({
    stream: run.stream,
    runId: run.runId,
    mode: run.mode,
    page: run.page,
    part: run.part,
    ...(executionName ? { executionName } : {}),
  });
}
