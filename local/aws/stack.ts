// AWS on one machine, and nothing else: dynalite behind an IAM-checking proxy, the local Secrets Manager and the
// synthesized state machine run by the local interpreter, each function in its own worker with its template's
// variables and role and the overrides it is given. The source (a fake or a real one) is started by the caller and
// passed as an endpoint. It writes no global environment. Tests, `npm start` and the bench all use it.
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { startDynaliteServer } from './dynalite-server';
import { copyTableName, ensureTables, LOCAL_TABLE_NAMES, type TableNames } from '../../functions/adapters/dynamodb/tables';
import { STREAM_NAMES } from '../../functions/core/stream';
import { copyTableVariable } from '../../functions/streams';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CACHE_ROOT, contentHash } from '../content-hash';
import { EXPRESS_STATE_MACHINE_LOGICAL_ID, STATE_MACHINE_LOGICAL_ID, type CloudFormationTemplate } from '../../infra/synth';
import { assemblyTemplate } from './assembly';
import { sourceTokenSecrets, stackFunctions, StackFunctions, type CodeSource } from './functions/stack-functions';
import { startSecretsEndpoint, type SecretsEndpoint } from './secrets-endpoint';
import type { FunctionLogLine } from './functions/function-host';
import { DynamoFaults } from './dynamodb-faults';
import { startDynamoIamProxy } from './iam/dynamodb-iam-proxy';
import { LocalIam } from './iam/local-iam';
import { templateResources } from './iam/template-resources';
import { definitionFromTemplate, LOCAL_REGION, type LocalDefinition } from './state-machine/definition';
import { LocalStateMachine, type ExecutionRecord, type TaskBinding } from './state-machine/local-state-machine';
import { syncTaskBindings, type InvokeHooks } from './state-machine/task-bindings';
import { startLocalOperations, type OperationsSink } from './operations';
import type { EmfOutput } from '../../functions/metrics';

/** The orders source the functions read: the reference contract's (`ORDERS_API_URL`), or a Shopify shop (`url` its SHOPIFY_SHOP_DOMAIN). */
export interface SourceEndpoint {
  url: string;
  token: string;
  kind?: 'http' | 'shopify';
  apiVersion?: string;
}

export interface LocalStackOptions {
  /** The source's address and token: the local Secrets Manager holds the token, the functions' variables the address. */
  source: SourceEndpoint;
  /** The template to run (default: the synthesized one, cached); with an assembly (`code`), the assembly's. */
  template?: CloudFormationTemplate;
  /** LevelDB folder for dynalite (data survives restarts); in memory when absent. */
  dataDir?: string;
  /** The port of the DynamoDB API the functions and the CLI use (the IAM-checking proxy in front of dynalite). */
  dynamodbPort?: number;
  /** An already running DynamoDB API to put the proxy in front of, instead of starting dynalite (the bench's). */
  dynamodbUpstream?: string;
  /** The functions' code: the TypeScript handlers (default), or the bundles of a cloud assembly (its template too). */
  code?: CodeSource;
  tables?: TableNames;
  /**
   * The functions' settings, as CDK context would set them (PAGE_SIZE, OVERLAP_SECONDS, LEASE_SECONDS, ...): each
   * reaches the functions whose template has it. SFN_ENDPOINT: the local Step Functions API, for every function.
   */
  env?: Record<string, string>;
  /** Start every function's first environment at once instead of at its first invocation (npm start). */
  warm?: boolean;
  /** Each line a function writes (default: this process's stdout or stderr); metrics flushes go to `operations`. */
  functionLogs?: (line: FunctionLogLine) => void;
  /** The functions' POWERTOOLS_LOG_LEVEL (default: this process's). */
  functionLogLevel?: string;
  /** A module each function environment loads before its code, whose `snapshot()` `functions.snapshots()` returns (the bench). */
  functionPreload?: string;
  /** Wait this long between state machine retries instead of the definition's intervals. */
  retryIntervalMs?: number;
  /** Wait this long in every Wait state instead of what the page asked (a bulk export's polls). */
  waitMs?: number;
  /** End Express executions after this many seconds instead of AWS's 300 (a test of what a cut-off run leaves). */
  expressTimeoutSeconds?: number;
  hooks?: InvokeHooks;
  onExecutionEnd?: (record: ExecutionRecord) => void;
  /** How long stopping waits for steps still running after their execution was aborted (default 30 s). */
  stepDrainMs?: number;
  /**
   * What an operator would get: the topic's notifications (a failed execution, orders newly quarantined) and each
   * run's metrics (the functions' metrics flushes go here, not to stdout). Default: printed, one block or line each,
   * unless the logger is SILENT.
   */
  operations?: OperationsSink;
}

export interface LocalStack {
  /** The DynamoDB API as the functions see it: every call checked against the signer's role. */
  dynamodbEndpoint: string;
  tables: TableNames;
  sourceUrl: string;
  /**
   * What a handler module called in this process (as the operator, signing with the local key) would need in its
   * environment to reach this stack. The stack sets it nowhere: a caller that runs handlers in-process applies it.
   */
  operatorEnvironment: Record<string, string>;
  machine: LocalStateMachine;
  /** The synthesized Standard definition the machine runs, with its ARN and name. */
  definition: LocalDefinition;
  /** The Express one (the same definition built for Express): incremental runs start there. */
  expressDefinition: LocalDefinition;
  /** The template the stack runs (synthesized, or the assembly's). */
  template: CloudFormationTemplate;
  /** The template's roles and the evaluator every local endpoint asks. */
  iam: LocalIam;
  /** Faults tests arm on the DynamoDB endpoint: a chosen call of any function fails with a chosen error. */
  dynamoFaults: DynamoFaults;
  /** Each function, run in its own environment: the Tasks, the HTTP API and the schedule invoke them here. */
  functions: StackFunctions;
  /** Where the functions' code comes from. */
  code: CodeSource;
  /** The local Secrets Manager: the source token's secret. */
  secrets: SecretsEndpoint;
  /**
   * Aborts every running execution and waits until the steps they were in have finished (an abort only stops
   * the interpreter from going on; the Task in flight still completes and saves its page). Dynalite stays up.
   */
  stopExecutions(): Promise<void>;
  /** Stops everything it started, newest first (running executions and their steps, dynalite). */
  stop(): Promise<void>;
}

let templateOnce: CloudFormationTemplate | undefined;

/**
 * The synthesized template, once per process, and once per change of what it is built from (infra/, functions/,
 * cdk.json, the lock file): kept in node_modules/.cache, as the compiled handlers are. Synthesized in a child process
 * (infra/print-template.ts): it takes some 5 s and 9 s of CPU, and some 400 MB that the process running the steps, the
 * bench's subject, has no use for afterwards.
 */
export function localTemplate(): CloudFormationTemplate {
  templateOnce ??= JSON.parse(cachedTemplateText()) as CloudFormationTemplate;
  return templateOnce;
}

function cachedTemplateText(): string {
  const file = join(
    CACHE_ROOT,
    'order-sync-template',
    `${contentHash({ folders: ['infra', 'functions'], files: ['cdk.json', 'package-lock.json', 'tsconfig.json'] })}.json`,
  );
  if (existsSync(file)) return readFileSync(file, 'utf8');
  const text = execFileSync(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '..', '..', 'infra', 'print-template.ts')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Written beside, then renamed: a process reading it at the same time finds a whole file or none.
  mkdirSync(dirname(file), { recursive: true });
  const writing = `${file}.${process.pid}.tmp`;
  writeFileSync(writing, text);
  renameSync(writing, file);
  return text;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const code = options.code ?? { kind: 'source' };
    const template = code.kind === 'assembly' ? assemblyTemplate(code.dir) : (options.template ?? localTemplate());
    const tables = options.tables ?? LOCAL_TABLE_NAMES;
    const resources = templateResources(template, tables);
    const iam = new LocalIam(template, resources);

    let upstream = options.dynamodbUpstream;
    if (!upstream) {
      const dynalite = await startDynaliteServer(options.dataDir ? { path: options.dataDir } : {});
      stoppers.push(() => dynalite.stop());
      upstream = dynalite.endpoint;
    }
    const dynamoFaults = new DynamoFaults();
    const proxy = await startDynamoIamProxy({
      upstream,
      iam,
      faults: dynamoFaults,
      ...(options.dynamodbPort !== undefined ? { port: options.dynamodbPort } : {}),
    });
    stoppers.push(() => proxy.stop());
    const client = createDynamoClient({ region: LOCAL_REGION, endpoint: proxy.endpoint });
    try {
      await ensureTables(client, tables);
    } finally {
      client.destroy();
    }

    const { source } = options;
    const localDefinition = definitionFromTemplate(template);
    const expressDefinition = definitionFromTemplate(template, EXPRESS_STATE_MACHINE_LOGICAL_ID);
    const { definition, stateMachineArn } = localDefinition;
    const operatorEnvironment: Record<string, string> = {
      AWS_REGION: LOCAL_REGION,
      ...Object.fromEntries(STREAM_NAMES.map((stream) => [copyTableVariable(stream), copyTableName(tables, stream)])),
      SYNC_STATE_TABLE: tables.syncStateTable,
      QUARANTINE_TABLE: tables.quarantineTable,
      ...(tables.dailySalesTable ? { DAILY_SALES_TABLE: tables.dailySalesTable } : {}),
      DYNAMODB_ENDPOINT: proxy.endpoint,
      SOURCE_KIND: source.kind ?? 'http',
      ORDERS_API_URL: source.url,
      ORDERS_API_TOKEN: source.token,
      ...(source.kind === 'shopify' ? { SHOPIFY_SHOP_DOMAIN: source.url, SHOPIFY_API_VERSION: source.apiVersion ?? '2025-10' } : {}),
      STATE_MACHINE_ARN: stateMachineArn,
      EXPRESS_STATE_MACHINE_ARN: expressDefinition.stateMachineArn,
      ...options.env,
    };

    const operations = startLocalOperations(template, options.operations);
    stoppers.push(async () => operations.stop());
    const { SFN_ENDPOINT: sfnEndpoint, ...overrides } = options.env ?? {};
    const secrets = await startSecretsEndpoint({ iam, secrets: sourceTokenSecrets(template, resources, source.token) });
    stoppers.push(() => secrets.stop());
    const functions = new StackFunctions(
      stackFunctions({
        template,
        resources,
        iam,
        code,
        dynamodbEndpoint: proxy.endpoint,
        ...(sfnEndpoint ? { sfnEndpoint } : {}),
        secretsEndpoint: secrets.url,
        source,
        overrides,
        onLog: functionLogRouter(options.functionLogs, (emf) => operations.emf(emf)),
        ...(options.functionLogLevel ? { logLevel: options.functionLogLevel } : {}),
        ...(options.functionPreload ? { preload: options.functionPreload } : {}),
      }),
    );
    stoppers.push(() => functions.stop());
    if (options.warm) await Promise.all(functions.all().map((fn) => fn.warm()));

    const steps = new StepsInFlight();
    // Each machine's Tasks run as its own role in the template.
    const tasksOf = (machineDefinition: LocalDefinition, logicalId: string) => {
      const roleId = template.Resources?.[logicalId]?.Properties?.RoleArn?.['Fn::GetAtt']?.[0];
      if (typeof roleId !== 'string') throw new Error(`the state machine ${logicalId} has no role of this template`);
      return steps.track(
        syncTaskBindings(
          machineDefinition.definition,
          () => machine,
          functions,
          { iam, roleId },
          options.hooks,
          (published, record) => operations.published(published, record),
        ),
      );
    };
    const machine: LocalStateMachine = new LocalStateMachine({
      definition,
      stateMachineArn,
      tasks: tasksOf(localDefinition, STATE_MACHINE_LOGICAL_ID),
      express: {
        definition: expressDefinition.definition,
        stateMachineArn: expressDefinition.stateMachineArn,
        tasks: tasksOf(expressDefinition, EXPRESS_STATE_MACHINE_LOGICAL_ID),
        ...(options.expressTimeoutSeconds !== undefined ? { timeoutSeconds: options.expressTimeoutSeconds } : {}),
      },
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      ...(options.waitMs !== undefined ? { waitMs: options.waitMs } : {}),
      onExecutionEnd: (record) => {
        operations.executionEnded(record);
        options.onExecutionEnd?.(record);
      },
    });
    const stopExecutions = async () => {
      // A continue-as-new step in flight can start one more execution while the others stop: repeat until none runs.
      for (let round = 0; round < 5 && machine.list('RUNNING').length > 0; round++) {
        await machine.stopAll();
        await steps.drained(options.stepDrainMs ?? 30_000);
      }
      await steps.drained(options.stepDrainMs ?? 30_000);
    };
    stoppers.push(stopExecutions);

    return {
      dynamodbEndpoint: proxy.endpoint,
      tables,
      sourceUrl: source.url,
      operatorEnvironment,
      machine,
      definition: localDefinition,
      expressDefinition,
      template,
      iam,
      dynamoFaults,
      functions,
      code,
      secrets,
      stopExecutions,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A function's output, as CloudWatch Logs would receive it: metrics flushes (EMF) to the operations sink, every
 * other line to `sink` or this process's own stream.
 */
function functionLogRouter(
  sink: ((line: FunctionLogLine) => void) | undefined,
  emf: (emf: EmfOutput) => void,
): (line: FunctionLogLine) => void {
  return (line) => {
    const rest: string[] = [];
    for (const text of line.text.split('\n')) {
      if (text.startsWith('{') && text.includes('"_aws"')) {
        try {
          emf(JSON.parse(text) as EmfOutput);
          continue;
        } catch {
          // not JSON after all: an ordinary line
        }
      }
      rest.push(text);
    }
    const text = rest.join('\n');
    if (text.trim() === '') return;
    if (sink) sink({ ...line, text });
    else process[line.stream].write(text.endsWith('\n') ? text : `${text}\n`);
  };
}

/** Counts the Task invocations in flight, so stopping can wait for them before closing what they write to. */
class StepsInFlight {
  private count = 0;
  private idle: Array<() => void> = [];

  track(bindings: Record<string, TaskBinding>): Record<string, TaskBinding> {
    return Object.fromEntries(
      Object.entries(bindings).map(([stateName, binding]) => [
        stateName,
        async (parameters: Record<string, unknown>) => {
          this.count += 1;
          try {
            return await binding(parameters);
          } finally {
            this.count -= 1;
            if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
          }
        },
      ]),
    );
  }

  /** Resolves when no step runs, or after `deadlineMs` (a step stuck on a dead source must not hold shutdown). */
  async drained(deadlineMs: number): Promise<void> {
    if (this.count === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.idle.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, deadlineMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
