// Binds the definition's Task states, by their Resource, to what AWS would do for them, as the state machine's role:
// `lambda:invoke` calls the function its FunctionName names (in its own environment), `states:startExecution`
// starts an execution of this machine, `sns:publish` hands the message the definition built to the local stack's
// operator view. Each call is first checked against the role's policies.
import { randomUUID } from 'node:crypto';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StackFunctions } from '../functions/stack-functions';
import { AccessDeniedError, type LocalIam } from '../iam/local-iam';
import { StepFunctionsApiError, type ExecutionRecord, type LocalStateMachine, type TaskBinding } from './local-state-machine';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const START_EXECUTION = 'arn:aws:states:::states:startExecution';
const SNS_PUBLISH = 'arn:aws:states:::sns:publish';

/** Test seams around an invocation (a crash after the step wrote its page, counting invocations). */
export interface InvokeHooks {
  before?: (functionName: string, payload: unknown) => void | Promise<void>;
  after?: (functionName: string, payload: unknown, result: unknown) => void | Promise<void>;
}

/** The state machine's own identity: its role, checked before each Task's call. */
export interface StateMachineRole {
  iam: LocalIam;
  roleId: string;
}

/** An error as a Task sees a failed service call: Step Functions names it by the service and the SDK's exception. */
class TaskServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** What `arn:aws:states:::sns:publish` was given: the topic, and the subject and message the definition formatted. */
export interface PublishedMessage {
  topicArn: string;
  subject: string | undefined;
  message: string;
}

export type Publish = (published: PublishedMessage, execution: ExecutionRecord) => void;

export function syncTaskBindings(
  definition: StateMachineDefinition,
  machine: () => LocalStateMachine,
  functions: StackFunctions,
  role: StateMachineRole,
  hooks: InvokeHooks = {},
  publish: Publish = () => undefined,
): Record<string, TaskBinding> {
  const bindings: Record<string, TaskBinding> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const resource = (state as { Resource: string }).Resource;
    if (resource === LAMBDA_INVOKE) bindings[stateName] = lambdaInvoke(functions, role, hooks);
    else if (resource === START_EXECUTION) bindings[stateName] = startExecution(machine, role);
    else if (resource === SNS_PUBLISH) bindings[stateName] = snsPublish(role, publish);
    else throw new Error(`the local runner cannot run Task ${stateName}: ${resource}`);
  }
  return bindings;
}

/** `arn:aws:states:::lambda:invoke`: the function's result as `{ Payload, StatusCode }`. */
function lambdaInvoke(functions: StackFunctions, role: StateMachineRole, hooks: InvokeHooks): TaskBinding {
  return async (parameters) => {
    const execution = parameters.__execution as ExecutionRecord;
    const functionArn = String(parameters.FunctionName);
    await asRole(role, execution, 'lambda:InvokeFunction', functionArn, 'Lambda.AWSLambdaException', 'AWSLambda', 403);
    const fn = functions.find(functionArn);
    if (!fn) throw new TaskServiceError('Lambda.ResourceNotFoundException', `Function not found: ${functionArn}`);
    const payload = parameters.Payload;
    await hooks.before?.(fn.name, payload);
    const result = await fn.invoke(payload);
    await hooks.after?.(fn.name, payload, result);
    return { Payload: result, StatusCode: 200 };
  };
}

/**
 * `arn:aws:states:::states:startExecution` (continue-as-new, in this machine or, from Express, in the Standard one):
 * the started execution's ARN and start date.
 */
function startExecution(machine: () => LocalStateMachine, role: StateMachineRole): TaskBinding {
  return async (parameters) => {
    const parent = parameters.__execution as ExecutionRecord;
    const stateMachineArn = String(parameters.StateMachineArn ?? parent.stateMachineArn);
    await asRole(
      role,
      parent,
      'states:StartExecution',
      stateMachineArn,
      'StepFunctions.AWSStepFunctionsException',
      'AWSStepFunctions',
      400,
    );
    const input = typeof parameters.Input === 'string' ? JSON.parse(parameters.Input) : parameters.Input;
    let started: ExecutionRecord;
    try {
      started = machine().start(String(parameters.Name), input, parent.executionArn, stateMachineArn);
    } catch (error) {
      // As the Task sees a refused StartExecution: StepFunctions.<exception> (the definition catches ExecutionAlreadyExists).
      if (error instanceof StepFunctionsApiError) throw new TaskServiceError(`StepFunctions.${error.code}Exception`, error.message);
      throw error;
    }
    return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
  };
}

/** `arn:aws:states:::sns:publish`: the message goes to the local operator view; the topic's KMS key is not checked. */
function snsPublish(role: StateMachineRole, publish: Publish): TaskBinding {
  return async (parameters) => {
    const execution = parameters.__execution as ExecutionRecord;
    const { TopicArn, Subject, Message } = parameters;
    if (typeof TopicArn !== 'string' || typeof Message !== 'string') {
      throw new Error(`SNS Publish needs a TopicArn and a Message string, got ${JSON.stringify({ TopicArn, Message })}`);
    }
    await asRole(role, execution, 'sns:Publish', TopicArn, 'SNS.AuthorizationErrorException', 'AmazonSNS', 403);
    publish({ topicArn: TopicArn, subject: typeof Subject === 'string' ? Subject : undefined, message: Message }, execution);
    return { MessageId: randomUUID() };
  };
}

/** The role's policies must allow the call; a denial fails the Task as Step Functions reports a service's 4xx. */
async function asRole(
  role: StateMachineRole,
  execution: ExecutionRecord,
  action: string,
  resource: string,
  errorName: string,
  service: string,
  status: number,
): Promise<void> {
  try {
    await role.iam.authorize({ roleId: role.roleId, session: execution.name }, action, [resource]);
  } catch (error) {
    if (!(error instanceof AccessDeniedError)) throw error;
    throw new TaskServiceError(
      errorName,
      `${error.message} (Service: ${service}; Status Code: ${status}; Error Code: AccessDeniedException)`,
    );
  }
}
