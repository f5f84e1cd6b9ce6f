// Runs the synthesized state machine definition with aws-local-stepfunctions, Task states bound by state name to
// local functions (the same handler modules the Lambdas run), and keeps what the Step Functions API reports:
// executions with status, input, output, error and an AWS-shaped event history.
import './promise-with-resolvers';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

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

export interface LocalStateMachineOptions {
  definition: StateMachineDefinition;
  stateMachineArn: string;
  /** Keyed by Task state name. */
  tasks: Record<string, TaskBinding>;
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
    readonly code: 'ExecutionAlreadyExists' | 'ExecutionDoesNotExist' | 'InvalidName' | 'InvalidArn',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

export class LocalStateMachine {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(private readonly options: LocalStateMachineOptions) {
    this.machine = new StateMachine(options.definition, {
      validationOptions: { checkArn: false },
    });
  }

  get arn(): string {
    return this.options.stateMachineArn;
  }

  /** StartExecution: returns at once; the execution runs in the background. */
  start(name: string | undefined, input: unknown, parentExecutionArn?: string): ExecutionRecord {
    const executionName = name ?? randomUUID();
    if (!NAME_PATTERN.test(executionName)) {
      throw new StepFunctionsApiError('InvalidName', `Invalid Name: '${executionName}' (1-80 of A-Z a-z 0-9 - _)`);
    }
    const executionArn = `${this.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: the same name with the same input returns the existing execution (idempotent start).
      if (JSON.stringify(existing.input) === JSON.stringify(input)) return existing;
      throw new StepFunctionsApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.arn,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate: new Date(),
      events: [],
      ...(parentExecutionArn ? { parentExecutionArn } : {}),
    };
    this.executions.set(executionArn, record);
    this.forgetOldExecutions();

    const execution = this.machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(record),
        ...(this.options.retryIntervalMs !== undefined ? { retryIntervalOverrides: this.retryOverrides() } : {}),
        ...(this.options.waitMs !== undefined ? { waitTimeOverrides: this.waitOverrides(this.options.waitMs) } : {}),
      },
      context: {
        Execution: { Id: executionArn, Name: executionName, RoleArn: 'arn:aws:iam::123456789012:role/local' },
        StateMachine: { Id: this.arn, Name: this.arn.split(':').pop() },
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

  /** Newest first, like ListExecutions. */
  list(statusFilter?: ExecutionStatus): ExecutionRecord[] {
    return [...this.executions.values()]
      .filter((record) => !statusFilter || record.status === statusFilter)
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

  private taskHandlers(record: ExecutionRecord): Record<string, (input: unknown) => Promise<never>> {
    return Object.fromEntries(
      Object.entries(this.options.tasks).map(([stateName, binding]) => [
        stateName,
        async (parameters: unknown) => {
          if (record.status === 'ABORTED') throw new Error('execution aborted');
          return (await binding({ ...(parameters as Record<string, unknown>), __execution: record })) as never;
        },
      ]),
    );
  }

  private retryOverrides(): Record<string, number> {
    const interval = this.options.retryIntervalMs ?? 0;
    return Object.fromEntries(
      Object.entries(this.options.definition.States)
        .filter(([, state]) => 'Retry' in state)
        .map(([stateName]) => [stateName, interval]),
    );
  }

  private waitOverrides(waitMs: number): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.options.definition.States)
        .filter(([, state]) => state.Type === 'Wait')
        .map(([stateName]) => [stateName, waitMs]),
    );
  }

  private recordFailure(record: ExecutionRecord, error: unknown): void {
    if (record.status === 'ABORTED') return;
    const failure = (error as { cause?: unknown }).cause ?? error;
    const { name, message } = failure instanceof Error ? failure : { name: 'Error', message: String(failure) };
    record.status = name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : 'FAILED';
    record.error = name;
    record.cause = message;
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
