// Runs the synthesized state machine definitions (the Standard machine, and the Express one built from the same
// definition) with aws-local-stepfunctions, Task states bound by state name to local functions (the same handler
// modules the Lambdas run), and keeps what the Step Functions API reports: executions with status, input, output,
// error and an AWS-shaped event history. Express as AWS runs it: names not unique, at most 5 minutes.
import './promise-with-resolvers';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** AWS's limit on an Express execution (seconds); its definition's TimeoutSeconds may only be lower. */
export const EXPRESS_MAX_SECONDS = 300;

/** One entry of an execution's history, shaped like GetExecutionHistory's events (details kept small). */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  type: string;
  timestamp: Date;
  stateName?: string;
  error?: string;
  cause?: string;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  /** The machine's type: an EXPRESS execution is one the Step Functions API neither describes nor lists. */
  type: StateMachineType;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  events: HistoryEvent[];
  /** The execution that started this one (continue-as-new), when there is one. */
  parentExecutionArn?: string;
}

/** A Task's local implementation: receives the Task's resolved Parameters, returns the service's response. */
export type TaskBinding = (parameters: Record<string, unknown>) => Promise<unknown>;

/** One machine the local service runs. */
export interface LocalMachineSpec {
  /** Already valid ASL (definitionFromTemplate checks it): the interpreter does not check it again. */
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** Keyed by Task state name. */
  tasks: Record<string, TaskBinding>;
}

export interface LocalStateMachineOptions extends LocalMachineSpec {
  /**
   * The Express machine beside the Standard one above; `timeoutSeconds` ends its executions sooner than its
   * definition's TimeoutSeconds (at most 300, AWS's limit), for a test.
   */
  express?: LocalMachineSpec & { timeoutSeconds?: number };
  /** Milliseconds to wait between retries, instead of the definition's IntervalSeconds (tests, demos). */
  retryIntervalMs?: number;
  /** Milliseconds every Wait state waits, instead of the definition's (SecondsPath): tests, so a bulk export's polls take no time. */
  waitMs?: number;
  /** Called whenever an execution ends (the local stack prints it; tests wait on it). */
  onExecutionEnd?: (record: ExecutionRecord) => void;
  /** Executions kept for Describe/List/History; the oldest finished ones are forgotten past it. */
  keepExecutions?: number;
}

/** Thrown with the Step Functions API's error names, so the local endpoint can answer as AWS would. */
export class StepFunctionsApiError extends Error {
  constructor(
    readonly code: 'ExecutionAlreadyExists' | 'ExecutionDoesNotExist' | 'InvalidName' | 'InvalidArn' | 'StateMachineDoesNotExist',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/** A machine as the local service holds it. */
export interface HostedMachine {
  arn: string;
  name: string;
  type: StateMachineType;
  definition: StateMachineDefinition;
  interpreter: StateMachine;
  tasks: Record<string, TaskBinding>;
}

export class LocalStateMachine {
  private readonly machines = new Map<string, HostedMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(private readonly options: LocalStateMachineOptions) {
    this.host(options, 'STANDARD', options.definition);
    const express = options.express;
    if (express) {
      const timeoutSeconds = Math.min(
        express.timeoutSeconds ?? express.definition.TimeoutSeconds ?? EXPRESS_MAX_SECONDS,
        EXPRESS_MAX_SECONDS,
      );
      this.host(express, 'EXPRESS', { ...express.definition, TimeoutSeconds: timeoutSeconds });
    }
  }

  /** The Standard machine's ARN. */
  get arn(): string {
    return this.options.stateMachineArn;
  }

  /** The Express machine's ARN, when there is one. */
  get expressArn(): string | undefined {
    return this.options.express?.stateMachineArn;
  }

  /** The machines, Standard first. */
  hosted(): HostedMachine[] {
    return [...this.machines.values()];
  }

  /** The machine of that ARN; StateMachineDoesNotExist otherwise. */
  machine(stateMachineArn: string): HostedMachine {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) {
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}' (here: ${[...this.machines.keys()].join(', ')})`,
      );
    }
    return machine;
  }

  /**
   * StartExecution: returns at once; the execution runs in the background. On the Standard machine a name is
   * unique (the same name and input return the running execution); on the Express machine, as in AWS, it is not:
   * each start is a new execution, its ARN `…:express:<machine>:<name>:<id>`.
   */
  start(name: string | undefined, input: unknown, parentExecutionArn?: string, stateMachineArn: string = this.arn): ExecutionRecord {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!NAME_PATTERN.test(executionName)) {
      throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${executionName}' (1-80 of A-Z a-z 0-9 - _)`);
    }
    const executionArn =
      machine.type === 'EXPRESS'
        ? `${machine.arn.replace(':stateMachine:', ':express:')}:${executionName}:${randomUUID()}`
        : `${machine.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: the same name with the same input returns the existing execution (idempotent start).
      if (JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
      throw new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      type: machine.type,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      events: [],
      ...(parentExecutionArn ? { parentExecutionArn } : {}),
    };
    this.executions.set(executionArn, record);
    this.forgetOldExecutions();

    const execution = machine.interpreter.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(machine, record),
        ...(this.options.retryIntervalMs !== undefined ? { retryIntervalOverrides: this.retryOverrides(machine) } : {}),
        ...(this.options.waitMs !== undefined ? { waitTimeOverrides: this.waitOverrides(machine, this.options.waitMs) } : {}),
      },
      context: {
        Execution: { Id: executionArn, Name: executionName, RoleArn: 'arn:aws:iam::123456789012:role/local' },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    const done = (async () => {
      const history = this.recordHistory(record, execution.eventLogs);
      try {
        record.output = await execution.result;
        record.status = 'SUCCEEDED';
      } catch (error) {
        this.recordFailure(record, error);
      }
      await history;
      record.stopDate = new Date();
      this.running.delete(executionArn);
      this.options.onExecutionEnd?.(record);
    })();
    this.running.set(executionArn, { abort: execution.abort, done });
    return record;
  }

  describe(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) throw new StepFunctionsApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  /** Newest first, like ListExecutions: of one machine, or (no ARN) of every machine. */
  list(statusFilter?: ExecutionStatus, stateMachineArn?: string): ExecutionRecord[] {
    return [...this.executions.values()]
      .filter((record) => !statusFilter || record.status === statusFilter)
      .filter((record) => !stateMachineArn || record.stateMachineArn === stateMachineArn)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  }

  /** StopExecution: aborts a running execution (its current Task finishes; nothing after it runs). */
  async stop(executionArn: string, error?: string, cause?: string): Promise<ExecutionRecord> {
    const record = this.describe(executionArn);
    const handle = this.running.get(executionArn);
    if (handle) {
      record.error = error;
      record.cause = cause;
      record.status = 'ABORTED';
      handle.abort();
      await handle.done;
    }
    return record;
  }

  /** Resolves when the execution has ended (whatever its status). */
  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    return this.describe(executionArn);
  }

  /** Follows continue-as-new: resolves with the last execution of the chain that `executionArn` starts. */
  async waitForChain(executionArn: string): Promise<ExecutionRecord[]> {
    const chain: ExecutionRecord[] = [];
    let next: string | undefined = executionArn;
    while (next) {
      const record = await this.waitFor(next);
      chain.push(record);
      next = [...this.executions.values()].find((candidate) => candidate.parentExecutionArn === record.executionArn)?.executionArn;
    }
    return chain;
  }

  /** Ends every running execution (the local stack on Ctrl-C; tests in afterAll). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((arn) => this.stop(arn, 'Shutdown', 'the local stack stopped')));
  }

  // ---------------------------------------------------------------- internals

  private host(spec: LocalMachineSpec, type: StateMachineType, definition: StateMachineDefinition): void {
    // asl-validator compiles its schemas on every call (some 0.5 s of CPU); the definition was validated once already.
    const interpreter = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const name = spec.stateMachineArn.split(':').pop() ?? spec.stateMachineArn;
    this.machines.set(spec.stateMachineArn, { arn: spec.stateMachineArn, name, type, definition, interpreter, tasks: spec.tasks });
  }

  private taskHandlers(machine: HostedMachine, record: ExecutionRecord): Record<string, (input: unknown) => Promise<never>> {
    return Object.fromEntries(
      Object.entries(machine.tasks).map(([stateName, binding]) => [
        stateName,
        async (parameters: unknown) => {
          if (record.status !== 'RUNNING') throw new Error(`execution ${record.status.toLowerCase()}`);
          return (await binding({ ...(parameters as Record<string, unknown>), __execution: record })) as never;
        },
      ]),
    );
  }

  private retryOverrides(machine: HostedMachine): Record<string, number> {
    const interval = this.options.retryIntervalMs ?? 0;
    return Object.fromEntries(
      Object.entries(machine.definition.States)
        .filter(([, state]) => 'Retry' in state)
        .map(([stateName]) => [stateName, interval]),
    );
  }

  private waitOverrides(machine: HostedMachine, waitMs: number): Record<string, number> {
    return Object.fromEntries(
      Object.entries(machine.definition.States)
        .filter(([, state]) => state.Type === 'Wait')
        .map(([stateName]) => [stateName, waitMs]),
    );
  }

  private recordFailure(record: ExecutionRecord, error: unknown): void {
    if (record.status === 'ABORTED') return;
    const failure = (error as { cause?: unknown }).cause ?? error;
    const { name, message } = failure instanceof Error ? failure : { name: 'Error', message: String(failure) };
    const timedOut = name === 'ExecutionTimeoutError';
    record.status = timedOut ? 'TIMED_OUT' : 'FAILED';
    record.error = timedOut ? 'States.Timeout' : name;
    record.cause = timedOut ? `the execution ran past its ${record.type === 'EXPRESS' ? 'Express ' : ''}time limit` : message;
  }

  private async recordHistory(record: ExecutionRecord, events: AsyncGenerator<unknown>): Promise<void> {
    for await (const raw of events) {
      for (const event of awsEventsFor(raw as LocalEvent)) {
        record.events.push({ ...event, id: record.events.length + 1, previousEventId: record.events.length });
      }
    }
  }

  private forgetOldExecutions(): void {
    const keep = this.options.keepExecutions ?? 10_000;
    if (this.executions.size <= keep) return;
    for (const [arn, record] of this.executions) {
      if (this.executions.size <= keep) break;
      if (record.status !== 'RUNNING') this.executions.delete(arn);
    }
  }
}

interface LocalEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string };
  Error?: string;
  Cause?: unknown;
}

/**
 * The local interpreter logs one entered/exited pair per state; AWS records more for a Task (scheduled, started,
 * succeeded or failed). Expanding them the way AWS does keeps the 25,000-event history count honest.
 */
function awsEventsFor(event: LocalEvent): Array<Omit<HistoryEvent, 'id' | 'previousEventId'>> {
  const timestamp = new Date(event.timestamp);
  const stateName = event.state?.name;
  const stateType = event.state?.type ?? '';
  const cause = event.Cause === undefined ? undefined : typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
  const at = (type: string, extra: Partial<HistoryEvent> = {}) => ({ type, timestamp, ...(stateName ? { stateName } : {}), ...extra });
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
      return [at(event.type)];
    case 'ExecutionFailed':
      return [at('ExecutionFailed', { error: event.Error, cause })];
    case 'ExecutionAborted':
      return [at('ExecutionAborted')];
    case 'ExecutionTimeout':
      return [at('ExecutionTimedOut')];
    case 'StateEntered':
      return stateType === 'Task' ? [at('TaskStateEntered'), at('TaskScheduled'), at('TaskStarted')] : [at(`${stateType}StateEntered`)];
    case 'StateExited':
      return stateType === 'Task' ? [at('TaskSucceeded'), at('TaskStateExited')] : [at(`${stateType}StateExited`)];
    case 'StateRetried':
      return [at('TaskFailed'), at('TaskScheduled'), at('TaskStarted')];
    case 'StateFailed':
      return [at(stateType === 'Task' ? 'TaskFailed' : `${stateType}Failed`, { error: event.Error, cause })];
    default:
      return [];
  }
}
