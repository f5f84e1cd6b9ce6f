// The context Lambda hands a handler besides the event, for the local stack's invocations of the same handlers.
import type { Context } from 'aws-lambda';

let invocations = 0;

/** The Powertools logger reads the function's name and request id from it. */
export function fakeLambdaContext(functionName: string, timeoutMs = 30_000): Context {
  invocations += 1;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `local-${functionName}-${invocations}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
