// The whole product on one machine: dynalite, the fake orders API (or a real source), and the synthesized state
// machine run by the local interpreter with the real step handlers. Tests, `npm start` and the bench all use it.
import { createDynamoClient } from '../functions/adapters/dynamodb/client';
import { startDynaliteServer, type DynaliteServer } from '../functions/adapters/dynamodb/dynalite-server';
import { ensureTables, type TableNames } from '../functions/adapters/dynamodb/tables';
import { resetRuntime } from '../functions/runtime';
import { synthTemplate } from '../infra/synth';
import { startFakeOrdersApi, type FakeOrdersApi, type FakeOrdersApiOptions } from './fake-orders-api';
import { definitionFromTemplate, LOCAL_REGION } from './state-machine/definition';
import { LocalStateMachine, type ExecutionRecord } from './state-machine/local-state-machine';
import { syncTaskBindings, type InvokeHooks } from './state-machine/task-bindings';

export interface LocalStackOptions {
  /** LevelDB folder for dynalite (data survives restarts); in memory when absent. */
  dataDir?: string;
  dynamodbPort?: number;
  tables?: TableNames;
  /** A real source (`ORDERS_API_URL`/`ORDERS_API_TOKEN`); the fake orders API when absent. */
  source?: { url: string; token: string };
  fake?: FakeOrdersApiOptions;
  /** The functions' settings (PAGE_SIZE, OVERLAP_SECONDS, LEASE_SECONDS, MAX_PAGES_PER_EXECUTION, ...). */
  env?: Record<string, string>;
  /** Wait this long between state machine retries instead of the definition's intervals. */
  retryIntervalMs?: number;
  hooks?: InvokeHooks;
  onExecutionEnd?: (record: ExecutionRecord) => void;
}

export interface LocalStack {
  dynamodbEndpoint: string;
  tables: TableNames;
  /** Present when the stack runs the fake orders API. */
  fake?: FakeOrdersApi;
  sourceUrl: string;
  machine: LocalStateMachine;
  /** Stops everything it started, newest first (running executions, the fake, dynalite). */
  stop(): Promise<void>;
}

let templateOnce: ReturnType<typeof synthTemplate> | undefined;

/** The synthesized template, once per process (synthesis takes seconds). */
export function localTemplate(): ReturnType<typeof synthTemplate> {
  templateOnce ??= synthTemplate();
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
    const tables = options.tables ?? { ordersTable: 'orders', syncStateTable: 'sync-state' };
    const client = createDynamoClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint });
    try {
      await ensureTables(client, tables);
    } finally {
      client.destroy();
    }

    let fake: FakeOrdersApi | undefined;
    let source = options.source;
    if (!source) {
      fake = await startFakeOrdersApi(options.fake);
      const started = fake;
      stoppers.push(() => started.stop());
      source = { url: started.url, token: started.token };
    }

    const { definition, stateMachineArn } = definitionFromTemplate(localTemplate());
    Object.assign(process.env, {
      AWS_REGION: LOCAL_REGION,
      ORDERS_TABLE: tables.ordersTable,
      SYNC_STATE_TABLE: tables.syncStateTable,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      SOURCE_KIND: 'http',
      ORDERS_API_URL: source.url,
      ORDERS_API_TOKEN: source.token,
      STATE_MACHINE_ARN: stateMachineArn,
      ...options.env,
    });
    delete process.env.ORDERS_API_TOKEN_SECRET_ARN;
    resetRuntime();

    const machine: LocalStateMachine = new LocalStateMachine({
      definition,
      stateMachineArn,
      tasks: syncTaskBindings(() => machine, options.hooks),
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      ...(options.onExecutionEnd ? { onExecutionEnd: options.onExecutionEnd } : {}),
    });
    stoppers.push(() => machine.stopAll());

    return { dynamodbEndpoint: dynamo.endpoint, tables, ...(fake ? { fake } : {}), sourceUrl: source.url, machine, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
