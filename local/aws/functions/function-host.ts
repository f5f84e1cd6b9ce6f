// Runs each function of the stack isolated, as Lambda does: its own worker thread (own process.env, own module
// state), the environment its template gives it, credentials that name its role, one invocation at a time per
// environment (a second concurrent invocation gets a second environment, cold).
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';

/** What the host needs of one function, from the template (local/aws/functions/stack-functions.ts). */
export interface FunctionSpec {
  /** The function's logical id: its name locally. */
  logicalId: string;
  /** The handler module's name (functions/handlers/<name>.ts): what tests and the bench call it. */
  handlerName: string;
  roleId: string;
  /** Exactly the variables it gets (template, resolved; the local endpoints; its role's credentials). */
  environment: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  arn: string;
  code: FunctionCode;
  /** A module loaded in each environment before the code, whose `snapshot()` the host can ask for (the bench's meters). */
  preload?: string;
}

/** The handler from the sources (compiled, or the TypeScript module through tsx) or the bundle CDK synthesized (the asset's index.js). */
export type FunctionCode = { kind: 'source'; file: string; exportName: string } | { kind: 'bundle'; file: string; exportName: string };

/** A line the function wrote to stdout or stderr. */
export interface FunctionLogLine {
  functionName: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** An error a function threw, as its invoker sees it: the same name and message, and its fields. */
export class FunctionError extends Error {
  constructor(
    name: string,
    message: string,
    readonly functionName: string,
    stack?: string,
  ) {
    super(message);
    this.name = name;
    if (stack) this.stack = stack;
  }
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** One execution environment: a worker that loads the code once and runs one invocation at a time. */
class ExecutionEnvironment {
  private readonly worker: Worker;
  private pending: Pending | undefined;
  private readonly snapshots = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private exited = false;
  private readonly ready: Promise<void>;

  constructor(
    readonly spec: FunctionSpec,
    onLog: (line: FunctionLogLine) => void,
  ) {
    this.worker = new Worker(join(__dirname, 'worker-entry.cjs'), {
      env: spec.environment,
      workerData: {
        entry: spec.code.file,
        exportName: spec.code.exportName,
        typescript: spec.code.file.endsWith('.ts'),
        functionName: spec.logicalId,
        invokedFunctionArn: spec.arn,
        memoryMb: spec.memoryMb,
        preload: spec.preload,
      },
      stdout: true,
      stderr: true,
    });
    let markReady: () => void;
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') markReady();
      else if (message.type === 'log') onLog({ functionName: spec.handlerName, stream: message.stream, text: message.text });
      else if (message.type === 'result') this.settle(message);
      else if (message.type === 'snapshot') {
        this.snapshots.get(message.id)?.(message.value);
        this.snapshots.delete(message.id);
      }
    });
    const fail = (error: Error) => {
      this.exited = true;
      markReady();
      this.pending?.reject(
        new FunctionError('Runtime.ExitError', `${spec.logicalId}: the execution environment ended: ${error.message}`, spec.handlerName),
      );
      this.pending = undefined;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  get usable(): boolean {
    return !this.exited;
  }

  async invoke(event: unknown): Promise<unknown> {
    await this.ready;
    if (this.exited)
      throw new FunctionError('Runtime.ExitError', `${this.spec.logicalId}: the execution environment ended`, this.spec.handlerName);
    return new Promise<unknown>((resolve, reject) => {
      this.pending = { resolve, reject };
      // Lambda hands the handler the event as JSON.
      this.worker.postMessage({
        type: 'invoke',
        id: this.nextId++,
        event: event === undefined ? {} : JSON.parse(JSON.stringify(event)),
        timeoutMs: this.spec.timeoutMs,
      });
    });
  }

  async stop(): Promise<void> {
    this.exited = true;
    await this.worker.terminate();
  }

  /** The preloaded module's `snapshot()` (null without one; answered even while an invocation runs). */
  async snapshot(): Promise<unknown> {
    await this.ready;
    if (this.exited) return null;
    const id = this.nextId++;
    return new Promise<unknown>((resolve) => {
      this.snapshots.set(id, resolve);
      this.worker.postMessage({ type: 'snapshot', id });
    });
  }

  private settle(message: Extract<WorkerMessage, { type: 'result' }>): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    if (message.ok) return pending.resolve(message.value);
    const { name, message: text, stack, fields } = message.error;
    pending.reject(Object.assign(new FunctionError(name, text, this.spec.handlerName, stack), fields));
  }
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'log'; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'snapshot'; id: number; value: unknown }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: { name: string; message: string; stack?: string; fields: Record<string, unknown> } };

/**
 * At most this many environments per function (its reserved concurrency, locally): beyond it an invocation waits for
 * a free one. Cold starts cost CPU here, not in parallel hardware: a test that races many invocations starts their
 * environments first (`warm`, as provisioned concurrency does).
 */
const MAX_ENVIRONMENTS = 20;

/** One function: its idle environments, reused first; a new one (a cold start) when all are busy. */
export class LocalFunction {
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly waiting: Array<() => void> = [];
  private spec: FunctionSpec;

  constructor(
    spec: FunctionSpec,
    private readonly onLog: (line: FunctionLogLine) => void,
  ) {
    this.spec = spec;
  }

  get name(): string {
    return this.spec.handlerName;
  }

  get environment(): Readonly<Record<string, string>> {
    return this.spec.environment;
  }

  get definition(): Readonly<FunctionSpec> {
    return this.spec;
  }

  /** Starts environments ahead of the invocations (their cold starts) until `count` exist, as provisioned concurrency does. */
  async warm(count = 1): Promise<void> {
    const started: ExecutionEnvironment[] = [];
    while (this.all.size < Math.min(count, MAX_ENVIRONMENTS)) started.push(this.spawn());
    this.idle.push(...started);
    await Promise.all(started.map((environment) => environment.whenReady()));
  }

  async invoke(event: unknown): Promise<unknown> {
    const environment = await this.freeEnvironment();
    try {
      return await environment.invoke(event);
    } finally {
      // An environment of the configuration before an update is not reused.
      if (environment.usable && environment.spec === this.spec) this.idle.push(environment);
      else void this.retire(environment);
      this.waiting.shift()?.();
    }
  }

  /** Each live environment's preloaded `snapshot()`. */
  async snapshots(): Promise<unknown[]> {
    return Promise.all([...this.all].map((environment) => environment.snapshot()));
  }

  private async freeEnvironment(): Promise<ExecutionEnvironment> {
    for (;;) {
      let environment = this.idle.pop();
      while (environment && !(environment.usable && environment.spec === this.spec)) {
        void this.retire(environment);
        environment = this.idle.pop();
      }
      if (environment) return environment;
      if (this.all.size < MAX_ENVIRONMENTS) return this.spawn();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * UpdateFunctionConfiguration: new variables (merged; `null` removes one). Running invocations finish in their old
   * environment; every later one starts cold with the new variables.
   */
  async updateEnvironment(changes: Record<string, string | null>): Promise<void> {
    const environment = { ...this.spec.environment };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete environment[name];
      else environment[name] = value;
    }
    this.spec = { ...this.spec, environment };
    const retired = this.idle.splice(0);
    await Promise.all(retired.map((one) => this.retire(one)));
    for (const wake of this.waiting.splice(0)) wake();
  }

  async stop(): Promise<void> {
    this.idle.length = 0;
    await Promise.all([...this.all].map((one) => this.retire(one)));
  }

  private spawn(): ExecutionEnvironment {
    const environment = new ExecutionEnvironment(this.spec, this.onLog);
    this.all.add(environment);
    return environment;
  }

  private async retire(environment: ExecutionEnvironment): Promise<void> {
    if (!this.all.delete(environment)) return;
    await environment.stop();
  }
}
