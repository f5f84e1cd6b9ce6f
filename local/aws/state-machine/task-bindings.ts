// Binds the definition's Task states, by state name, to what AWS would run: the Lambda handler modules
// themselves (called as Lambda calls them: event and context), StartExecution on this same state machine, and SNS
// Publish, which hands the message the definition built to the local stack's operator view.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { fakeLambdaContext } from '../lambda-context';
import { handler as beginHandler } from '../../../functions/handlers/begin';
import { handler as commitHandler } from '../../../functions/handlers/commit';
import { handler as recordFailureHandler } from '../../../functions/handlers/record-failure';
import { handler as syncPageHandler } from '../../../functions/handlers/sync-page';
import { STATE_NAMES } from '../../../infra/constructs/sync-state-machine';
import type { ExecutionRecord, LocalStateMachine, TaskBinding } from './local-state-machine';

type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/** Wraps a step handler so a Task sees what `arn:aws:states:::lambda:invoke` returns: `{ Payload, StatusCode }`. */
export function invokeLocally(functionName: string, handler: LambdaHandler, hooks: InvokeHooks = {}): TaskBinding {
  return async (parameters) => {
    const payload = parameters.Payload;
    await hooks.before?.(functionName, payload);
    const result = await handler(payload, fakeLambdaContext(functionName, 60_000));
    await hooks.after?.(functionName, payload, result);
    return { Payload: result, StatusCode: 200 };
  };
}

/** Test seams around an invocation (a crash after the step wrote its page, counting invocations). */
export interface InvokeHooks {
  before?: (functionName: string, payload: unknown) => void | Promise<void>;
  after?: (functionName: string, payload: unknown, result: unknown) => void | Promise<void>;
}

/** What `arn:aws:states:::sns:publish` was given: the topic, and the subject and message the definition formatted. */
export interface PublishedMessage {
  topicArn: string;
  subject: string | undefined;
  message: string;
}

export type Publish = (published: PublishedMessage, execution: ExecutionRecord) => void;

export function syncTaskBindings(
  machine: () => LocalStateMachine,
  hooks: InvokeHooks = {},
  publish: Publish = () => undefined,
): Record<string, TaskBinding> {
  return {
    [STATE_NAMES.begin]: invokeLocally('begin', beginHandler as LambdaHandler, hooks),
    [STATE_NAMES.syncPage]: invokeLocally('sync-page', syncPageHandler as LambdaHandler, hooks),
    [STATE_NAMES.commit]: invokeLocally('commit', commitHandler as LambdaHandler, hooks),
    [STATE_NAMES.recordFailure]: invokeLocally('record-failure', recordFailureHandler as LambdaHandler, hooks),
    [STATE_NAMES.continueAsNew]: async (parameters) => {
      const parent = parameters.__execution as ExecutionRecord;
      const input = typeof parameters.Input === 'string' ? JSON.parse(parameters.Input) : parameters.Input;
      const started = machine().start(String(parameters.Name), input, parent.executionArn);
      return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
    },
    [STATE_NAMES.notifyQuarantined]: async (parameters) => {
      const { TopicArn, Subject, Message } = parameters;
      if (typeof TopicArn !== 'string' || typeof Message !== 'string') {
        throw new Error(`SNS Publish needs a TopicArn and a Message string, got ${JSON.stringify({ TopicArn, Message })}`);
      }
      publish(
        { topicArn: TopicArn, subject: typeof Subject === 'string' ? Subject : undefined, message: Message },
        parameters.__execution as ExecutionRecord,
      );
      return { MessageId: randomUUID() };
    },
  };
}
