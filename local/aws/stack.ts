// The whole product on one machine: dynalite, the fake orders API or fake Shopify (or a real source), and the synthesized state
// machine run by the local interpreter with the real step handlers. Tests, `npm start` and the bench all use it.
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { startDynaliteServer, type DynaliteServer } from './dynalite-server';
import { ensureTables, type TableNames } from '../../functions/adapters/dynamodb/tables';
import { resetRuntime } from '../../functions/runtime';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { CloudFormationTemplate } from '../../infra/synth';
import { startFakeOrdersApi, type FakeOrdersApi, type FakeOrdersApiOptions } from '../fakes/orders-api';
import { startFakeShopify, type FakeShopify, type FakeShopifyOptions } from '../fakes/shopify';
import { definitionFromTemplate, LOCAL_REGION, type LocalDefinition } from './state-machine/definition';
import { LocalStateMachine, type ExecutionRecord, type TaskBinding } from './state-machine/local-state-machine';
import { syncTaskBindings, type InvokeHooks } from './state-machine/task-bindings';
import { startLocalOperations, type OperationsSink } from './operations';

export interface LocalStackOptions {
  /** LevelDB folder for dynalite (data survives restarts); in memory when absent. */
  dataDir?: string;
  dynamodbPort?: number;
  tables?: TableNames;
  /** A real source: the reference contract's (`ORDERS_API_URL`), or a Shopify shop (`url` its SHOPIFY_SHOP_DOMAIN); a fake when absent. */
  source?: { url: string; token: string; kind?: 'http' | 'shopify'; apiVersion?: string };
  fake?: FakeOrdersApiOptions;
  /** Run the fake Shopify (GraphQL Admin API over the same seeded shop) instead of the fake orders API. */
  fakeShopify?: FakeShopifyOptions & { apiVersion?: string };
  /** The functions' settings (PAGE_SIZE, OVERLAP_SECONDS, LEASE_SECONDS, MAX_PAGES_PER_EXECUTION, ...). */
  env?: Record<string, string>;
  /** Wait this long between state machine retries instead of the definition's intervals. */
  retryIntervalMs?: number;
  /** Wait this long in every Wait state instead of what the page asked (a bulk export's polls). */
  waitMs?: number;
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
  dynamodbEndpoint: string;
  tables: TableNames;
  /** Present when the stack runs a fake shop: the fake orders API, or the shop beneath the fake Shopify. */
  fake?: FakeOrdersApi;
  /** Present when the stack runs the fake Shopify. */
  fakeShopify?: FakeShopify;
  sourceUrl: string;
  machine: LocalStateMachine;
  /** The synthesized definition the machine runs, with its ARN and name (DescribeStateMachine answers with it). */
  definition: LocalDefinition;
  /**
   * Aborts every running execution and waits until the steps they were in have finished (an abort only stops
   * the interpreter from going on; the Task in flight still completes and saves its page). Dynalite stays up.
   */
  stopExecutions(): Promise<void>;
  /** Stops everything it started, newest first (running executions and their steps, the fake, dynalite). */
  stop(): Promise<void>;
}

let templateOnce: CloudFormationTemplate | undefined;

/**
 * The synthesized template, once per process. Synthesized in a child process (infra/print-template.ts): it takes
 * seconds and some 400 MB that the process running the steps, the bench's subject, has no use for afterwards.
 */
export function localTemplate(): CloudFormationTemplate {
  templateOnce ??= JSON.parse(
    execFileSync(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '..', '..', 'infra', 'print-template.ts')], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as CloudFormationTemplate;
  return templateOnce;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne();
  };
  try {
    const dynamo: DynaliteServer = await startDynaliteServer({
      ...(options.dataDir ? { path: options.dataDir } : {}),
      ...(options.dynamodbPort !== undefined ? { port: options.dynamodbPort } : {}),
    });
    stoppers.push(() => dynamo.stop());
    const tables = options.tables ?? { ordersTable: 'orders', syncStateTable: 'sync-state', quarantineTable: 'quarantine' };
    const client = createDynamoClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
    try {
      await ensureTables(client, tables);
    } finally {
      client.destroy();
    }

    let fake: FakeOrdersApi | undefined;
    let fakeShopify: FakeShopify | undefined;
    let source = options.source;
    if (!source && options.fakeShopify) {
      const started = await startFakeShopify(options.fakeShopify);
      fakeShopify = started;
      fake = started.shop;
      stoppers.push(() => started.stop());
      source = { url: started.url, token: started.token, kind: 'shopify', apiVersion: options.fakeShopify.apiVersion };
    } else if (!source) {
      fake = await startFakeOrdersApi(options.fake);
      const started = fake;
      stoppers.push(() => started.stop());
      source = { url: started.url, token: started.token };
    }

    const localDefinition = definitionFromTemplate(localTemplate());
    const { definition, stateMachineArn } = localDefinition;
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      ORDERS_TABLE: tables.ordersTable,
      SYNC_STATE_TABLE: tables.syncStateTable,
      QUARANTINE_TABLE: tables.quarantineTable,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SOURCE_KIND: source.kind ?? 'http',
      ORDERS_API_URL: source.url,
      ORDERS_API_TOKEN: source.token,
      ...(source.kind === 'shopify' ? { SHOPIFY_SHOP_DOMAIN: source.url, SHOPIFY_API_VERSION: source.apiVersion ?? '2025-10' } : {}),
      STATE_MACHINE_ARN: stateMachineArn,
      ...options.env,
    });
    delete process.env.ORDERS_API_TOKEN_SECRET_ARN;
    resetRuntime();

    const operations = startLocalOperations(localTemplate(), options.operations);
    stoppers.push(async () => operations.stop());
    const steps = new StepsInFlight();
    const machine: LocalStateMachine = new LocalStateMachine({
      definition,
      stateMachineArn,
      tasks: steps.track(
        syncTaskBindings(
          () => machine,
          options.hooks,
          (published, record) => operations.published(published, record),
        ),
      ),
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
      dynamodbEndpoint: dynamo.endpoint,
      tables,
      ...(fake ? { fake } : {}),
      ...(fakeShopify ? { fakeShopify } : {}),
      sourceUrl: source.url,
      machine,
      definition: localDefinition,
      stopExecutions,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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
