// The Step Functions API on loopback (AWS JSON 1.0: POST /, X-Amz-Target: AWSStepFunctions.<Op>) over the local
// state machines, so the HTTP handler's SFNClient, the CLI and `aws stepfunctions ... --endpoint-url` work unchanged.
// An Express machine's executions are started and nothing else, as in AWS: no Describe, History, List or Stop.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../loopback';
import { AccessDeniedError, type LocalIam } from './iam/local-iam';
import { credentialOf } from './iam/sigv4';
import {
  StepFunctionsApiError,
  type ExecutionRecord,
  type ExecutionStatus,
  type HistoryEvent,
  type HostedMachine,
  type LocalStateMachine,
} from './state-machine/local-state-machine';

export interface SfnEndpointOptions {
  /** A getter, so the endpoint can listen (and its URL go into the functions' env) before the machine exists. */
  machine: () => LocalStateMachine;
  /** The roles each signed call is checked against (a getter, like the machine). */
  iam: () => LocalIam;
  /** Default 0: any free port. */
  port?: number;
  host?: string;
}

export interface SfnEndpoint {
  /** `http://127.0.0.1:<port>`: SFN_ENDPOINT, `--endpoint-url`. */
  url: string;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 1024 * 1024;
const STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

/** An error answered the way the service answers it: 400 and `{"__type": code, "message": ...}`. */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

type Operation = (request: Record<string, unknown>, target: EndpointTarget) => unknown | Promise<unknown>;

interface EndpointTarget {
  machine: LocalStateMachine;
  /** When the endpoint started: the local state machines' creationDate. */
  createdAt: Date;
}

/** Step Functions sends dates in the JSON protocol as epoch seconds (fractional). */
export function epochSeconds(date: Date): number {
  return date.getTime() / 1000;
}

const OPERATIONS: Record<string, Operation> = {
  StartExecution(request, { machine }) {
    const target = machineOf(request, machine);
    const input = optionalString(request, 'input') ?? '{}';
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (error) {
      throw new SfnApiError('InvalidExecutionInput', `Invalid execution input: ${(error as Error).message}`);
    }
    const record = machine.start(optionalString(request, 'name'), parsed, undefined, target.arn);
    return { executionArn: record.executionArn, startDate: epochSeconds(record.startDate) };
  },

  DescribeExecution(request, { machine }) {
    const record = machine.describe(standardExecutionArn(request, 'DescribeExecution'));
    return {
      ...executionListItem(record),
      input: JSON.stringify(record.input),
      inputDetails: { included: true },
      ...(record.output !== undefined ? { output: JSON.stringify(record.output), outputDetails: { included: true } } : {}),
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
    };
  },

  ListExecutions(request, { machine }) {
    const target = machineOf(request, machine);
    if (target.type === 'EXPRESS') {
      throw new SfnApiError(
        'StateMachineTypeNotSupported',
        `ListExecutions does not support EXPRESS state machines (${target.arn}): their executions are in the machine's CloudWatch Logs only`,
      );
    }
    const statusFilter = optionalString(request, 'statusFilter');
    if (statusFilter !== undefined && !STATUSES.includes(statusFilter as ExecutionStatus)) {
      throw new SfnApiError('ValidationException', `statusFilter must be one of ${STATUSES.join(', ')}, got "${statusFilter}"`);
    }
    const executions = machine.list(statusFilter as ExecutionStatus | undefined, target.arn);
    const { items, nextToken } = page(executions, request, (record) => record.executionArn);
    return { executions: items.map(executionListItem), ...(nextToken ? { nextToken } : {}) };
  },

  GetExecutionHistory(request, { machine }) {
    const record = machine.describe(standardExecutionArn(request, 'GetExecutionHistory'));
    const includeData = request.includeExecutionData !== false;
    const events = request.reverseOrder === true ? [...record.events].reverse() : record.events;
    const { items, nextToken } = page(events, request, (event) => String(event.id));
    return { events: items.map((event) => historyEvent(event, record, includeData)), ...(nextToken ? { nextToken } : {}) };
  },

  async StopExecution(request, { machine }) {
    const arn = standardExecutionArn(request, 'StopExecution');
    const record = await machine.stop(arn, optionalString(request, 'error'), optionalString(request, 'cause'));
    return { stopDate: epochSeconds(record.stopDate ?? new Date()) };
  },

  DescribeStateMachine(request, target) {
    const hosted = machineOf(request, target.machine);
    return {
      ...stateMachineListItem(hosted, target.createdAt),
      status: 'ACTIVE',
      definition: JSON.stringify(hosted.definition),
      roleArn: localRoleArn(hosted.arn),
      // The local runner writes no CloudWatch logs; the deployed machines log at level ALL without data.
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  },

  ListStateMachines(request, target) {
    const { items, nextToken } = page(target.machine.hosted(), request, (one) => one.arn);
    return { stateMachines: items.map((one) => stateMachineListItem(one, target.createdAt)), ...(nextToken ? { nextToken } : {}) };
  },
};

/** The names this endpoint serves (the rest answer UnknownOperationException). */
export const SFN_OPERATIONS = Object.keys(OPERATIONS);

/** One request of the JSON protocol: the operation named by the target header, over the local machine. */
export async function answerSfnRequest(targetHeader: string | undefined, body: string, target: EndpointTarget): Promise<unknown> {
  if (!targetHeader?.startsWith(TARGET_PREFIX)) {
    throw new SfnApiError('UnknownOperationException', `X-Amz-Target must be ${TARGET_PREFIX}<Operation>, got "${targetHeader ?? ''}"`);
  }
  const name = targetHeader.slice(TARGET_PREFIX.length);
  const operation = OPERATIONS[name];
  if (!operation) {
    throw new SfnApiError(
      'UnknownOperationException',
      `${name} is not served by the local endpoint (served: ${SFN_OPERATIONS.join(', ')})`,
    );
  }
  let request: unknown;
  try {
    request = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new SfnApiError('SerializationException', 'the request body is not JSON');
  }
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new SfnApiError('SerializationException', 'the request body must be a JSON object');
  }
  try {
    return await operation(request as Record<string, unknown>, target);
  } catch (error) {
    if (error instanceof StepFunctionsApiError) throw new SfnApiError(error.code, error.message);
    throw error;
  }
}

export async function startSfnEndpoint(options: SfnEndpointOptions): Promise<SfnEndpoint> {
  const createdAt = new Date();
  const server = createServer((req, res) => {
    void serve(req, res, () => ({ machine: options.machine(), createdAt }), options.iam);
  });
  const listening = await listenOnLoopback(server, options);
  return { url: listening.url, stop: listening.close };
}

async function serve(req: IncomingMessage, res: ServerResponse, target: () => EndpointTarget, iam: () => LocalIam): Promise<void> {
  const requestId = randomUUID();
  const send = (statusCode: number, payload: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(payload);
    res.writeHead(statusCode, {
      'content-type': CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': requestId,
      ...headers,
    });
    res.end(text);
  };
  try {
    if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') {
      throw new SfnApiError('UnknownOperationException', `the Step Functions API takes POST /, not ${req.method} ${req.url}`, 404);
    }
    const body = await readBody(req);
    await authorize(req, body, iam());
    send(200, await answerSfnRequest(header(req, 'x-amz-target'), body, target()));
  } catch (error) {
    if (error instanceof AccessDeniedError) {
      send(400, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });
    } else if (error instanceof SfnApiError) {
      send(error.statusCode, { __type: error.code, message: error.message }, { 'x-amzn-errortype': error.code });
    } else {
      send(
        500,
        { __type: 'InternalFailure', message: (error as Error).message ?? String(error) },
        { 'x-amzn-errortype': 'InternalFailure' },
      );
    }
  }
}

/** The signer's role must allow `states:<Operation>` on the machine or execution the call names. */
async function authorize(req: IncomingMessage, body: string, iam: LocalIam): Promise<void> {
  const { accessKeyId, sessionToken } = credentialOf(req);
  const principal = iam.identify(accessKeyId, sessionToken);
  if (!principal) return;
  const operation = header(req, 'x-amz-target')?.slice(TARGET_PREFIX.length) ?? '';
  let request: Record<string, unknown>;
  try {
    request = JSON.parse(body || '{}') as Record<string, unknown>;
  } catch {
    return; // answered as a SerializationException by the operation
  }
  const resource = request.executionArn ?? request.stateMachineArn ?? '*';
  await iam.authorize(principal, `states:${operation}`, [String(resource)]);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SfnApiError('ValidationException', `request body over ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// ---------------------------------------------------------------- shapes

function executionListItem(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: epochSeconds(record.startDate),
    ...(record.stopDate ? { stopDate: epochSeconds(record.stopDate) } : {}),
  };
}

function stateMachineListItem(machine: HostedMachine, createdAt: Date) {
  return { stateMachineArn: machine.arn, name: machine.name, type: machine.type, creationDate: epochSeconds(createdAt) };
}

/** The history event with its type's details member, as GetExecutionHistory returns them. */
function historyEvent(event: HistoryEvent, record: ExecutionRecord, includeData: boolean): Record<string, unknown> {
  const base = { id: event.id, previousEventId: event.previousEventId, timestamp: epochSeconds(event.timestamp), type: event.type };
  const errorDetails = {
    ...(event.error !== undefined ? { error: event.error } : {}),
    ...(event.cause !== undefined ? { cause: event.cause } : {}),
  };
  const lambda = { resourceType: 'lambda', resource: 'invoke' };
  switch (event.type) {
    case 'ExecutionStarted':
      return {
        ...base,
        executionStartedEventDetails: {
          ...(includeData ? { input: JSON.stringify(record.input), inputDetails: { truncated: false } } : {}),
          roleArn: localRoleArn(record.stateMachineArn),
        },
      };
    case 'ExecutionSucceeded':
      return {
        ...base,
        executionSucceededEventDetails:
          includeData && record.output !== undefined ? { output: JSON.stringify(record.output), outputDetails: { truncated: false } } : {},
      };
    case 'ExecutionFailed':
      return { ...base, executionFailedEventDetails: errorDetails };
    case 'ExecutionAborted':
      return { ...base, executionAbortedEventDetails: errorDetails };
    case 'ExecutionTimedOut':
      return { ...base, executionTimedOutEventDetails: errorDetails };
    case 'TaskScheduled':
      return { ...base, taskScheduledEventDetails: { ...lambda, region: record.stateMachineArn.split(':')[3], parameters: '{}' } };
    case 'TaskStarted':
      return { ...base, taskStartedEventDetails: lambda };
    case 'TaskSucceeded':
      return { ...base, taskSucceededEventDetails: lambda };
    case 'TaskFailed':
      return { ...base, taskFailedEventDetails: { ...lambda, ...errorDetails } };
    default:
      if (event.type.endsWith('StateEntered')) return { ...base, stateEnteredEventDetails: { name: event.stateName ?? '' } };
      if (event.type.endsWith('StateExited')) return { ...base, stateExitedEventDetails: { name: event.stateName ?? '' } };
      return base;
  }
}

/** A role ARN in the machine's account: the local runner assumes no role, but the API always names one. */
function localRoleArn(stateMachineArn: string): string {
  const [, partition, , , account] = stateMachineArn.split(':');
  return `arn:${partition}:iam::${account}:role/local`;
}

// ---------------------------------------------------------------- request fields

function optionalString(request: Record<string, unknown>, name: string): string | undefined {
  const value = request[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnApiError('ValidationException', `${name} must be a string`);
  return value;
}

function requiredArn(request: Record<string, unknown>, name: string, kind: string): string {
  const value = optionalString(request, name);
  if (value === undefined)
    throw new SfnApiError(
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  if (!value.startsWith('arn:') || !value.includes(kind)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${value}'`);
  return value;
}

/** The local machine the request's stateMachineArn names: any other ARN does not exist here. */
function machineOf(request: Record<string, unknown>, machine: LocalStateMachine): HostedMachine {
  return machine.machine(requiredArn(request, 'stateMachineArn', ':stateMachine:'));
}

/**
 * The request's executionArn, an execution of a Standard machine: an Express execution's ARN
 * (`…:express:<machine>:<name>:<id>`) is refused as AWS refuses it, for Describe, History and Stop alike.
 */
function standardExecutionArn(request: Record<string, unknown>, operation: string): string {
  const value = optionalString(request, 'executionArn');
  if (value?.startsWith('arn:') && value.split(':')[5] === 'express') {
    throw new SfnApiError(
      'InvalidArn',
      `Invalid Arn: '${value}': ${operation} does not support EXPRESS executions (their trail is in the machine's CloudWatch Logs)`,
    );
  }
  return requiredArn(request, 'executionArn', ':execution:');
}

/**
 * `maxResults` (0 or absent: 100, at most 1000) items after the one a `nextToken` names. The token names the last
 * item returned rather than an offset, so executions started between two calls do not shift the next page.
 */
function page<T>(items: readonly T[], request: Record<string, unknown>, keyOf: (item: T) => string): { items: T[]; nextToken?: string } {
  const maxResults = request.maxResults ?? 0;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000) {
    throw new SfnApiError('ValidationException', `maxResults must be an integer from 0 to 1000, got ${JSON.stringify(maxResults)}`);
  }
  const size = maxResults === 0 ? 100 : maxResults;
  let start = 0;
  const token = optionalString(request, 'nextToken');
  if (token !== undefined) {
    const after = decodeToken(token);
    const index = items.findIndex((item) => keyOf(item) === after);
    if (index < 0) throw new SfnApiError('InvalidToken', 'Invalid Token: the item it continues after is gone');
    start = index + 1;
  }
  const slice = items.slice(start, start + size);
  const last = slice[slice.length - 1];
  return start + size < items.length && last !== undefined ? { items: slice, nextToken: encodeToken(keyOf(last)) } : { items: slice };
}

function encodeToken(key: string): string {
  return Buffer.from(JSON.stringify({ after: key }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'string') return decoded.after;
  } catch {
    // falls through to the error below
  }
  throw new SfnApiError('InvalidToken', `Invalid Token: '${token}'`);
}
