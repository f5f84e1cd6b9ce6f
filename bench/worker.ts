// One measured runner process: starts its own fake orders API and dynalite (each a child process), runs one
// group of phases and sends the figures to the bench (bench/run.ts) over IPC. A fresh process per group, so
// one phase's memory never shows in another's peak.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeleteItemCommand, DeleteTableCommand, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../functions/adapters/dynamodb/client';
import { SYNC_ATTRIBUTES } from '../functions/adapters/dynamodb/sync-state-item';
import { ensureTables, LOCAL_TABLE_NAMES, type TableNames } from '../functions/adapters/dynamodb/tables';
import { STREAM_NAMES } from '../functions/core/stream';
import { metrics } from '../functions/metrics';
import type { FaultSettings, FakeApiStats } from '../local/fakes/orders-api';
import { localTemplate, startLocalStack } from '../local/aws/stack';
import { resetRuntime } from '../functions/runtime/once';
import { definitionFromTemplate, LOCAL_REGION } from '../local/aws/state-machine/definition';
import { functionSizing, type FunctionName, type FunctionSizing } from './cost';
import { forkService, type ChildService } from './ipc';
import {
  FUNCTION_METERS,
  HISTORY_ENDS_BEFORE_START_MS,
  PhaseMeter,
  sourceOnly,
  storeOnly,
  syncPhases,
  throttledAnswers,
  type FakeControl,
  type PhaseResult,
} from './phases';

export type WorkerKind = 'source' | 'store' | 'sync';

export interface WorkerRequest {
  kind: WorkerKind;
  orders: number;
  seed: number;
  pageSize: number;
  maxPagesPerExecution: number;
  faults: Partial<FaultSettings>;
  changedOrders: number;
  /** The shop's products and customers: each stream synced and measured after the orders (sync phases, not fullOnly). */
  otherStreams: { products: number; customers: number };
  fullOnly: boolean;
  /**
   * The daily sales' own shop (sync only): `ordersPerDay` orders all created on one UTC day (the last that ended an
   * hour or more ago), its orders runs measured with DAILY_SALES on and off, `changes` orders changed a run.
   */
  dayShop?: { ordersPerDay: number; changes: number };
  /** Measure the orders runs with DAILY_SALES off too, side by side (sync only). */
  dailySalesOff: boolean;
  /** Node flags for the fake and dynalite processes (e.g. --cpu-prof). */
  childExecArgv: string[];
}

export interface WorkerAnswer {
  results: PhaseResult[];
  sizing?: Record<FunctionName, FunctionSizing>;
  /** Bytes dynalite's LevelDB folder holds at the end. */
  dynaliteDiskBytes?: number;
}

const TABLES: TableNames = LOCAL_TABLE_NAMES;

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    total += entry.isDirectory() ? await folderBytes(full) : await fileBytes(full);
  }
  return total;
}

/** A file's size; 0 when LevelDB compacted it away after the folder was listed. */
async function fileBytes(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

async function startFake(request: WorkerRequest): Promise<{ child: ChildService; control: FakeControl }> {
  const options = {
    orders: request.orders,
    products: request.otherStreams.products,
    customers: request.otherStreams.customers,
    seed: request.seed,
    faults: request.faults,
    ...(request.dayShop
      ? { historyEndsAtMs: lastMidnightBefore(Date.now() - HISTORY_ENDS_BEFORE_START_MS), historyDays: 1 }
      : { historyEndsAtMs: Date.now() - HISTORY_ENDS_BEFORE_START_MS }),
  };
  const child = await forkService(path.join(__dirname, 'fake-process.ts'), [JSON.stringify(options)], request.childExecArgv);
  const { url, token } = await child.call<{ url: string; token: string }>('info');
  return {
    child,
    control: {
      url,
      token,
      requests: async () => (await child.call<FakeApiStats>('stats')).requests,
      throttled: async () => throttledAnswers(await child.call<FakeApiStats>('stats')),
      mutate: (change, stream = 'orders') => child.call('mutate', { change, stream }),
      oldestIds: (count, stream = 'orders') => child.call<string[]>('oldestIds', { count, stream }),
    },
  };
}

/** The last UTC midnight at or before `ms`: a history ending there puts a one-day shop on one day. */
function lastMidnightBefore(ms: number): number {
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

/**
 * Empties the orders copy for a second full resync: the orders and daily sales tables dropped and made again, the
 * orders stream's sync-state item deleted (its checkpoint, touched days and last run).
 */
async function resetOrdersCopy(endpoint: string): Promise<void> {
  const client = createDynamoClient({ region: LOCAL_REGION, endpoint });
  try {
    for (const table of [TABLES.ordersTable, TABLES.dailySalesTable!]) {
      await client.send(new DeleteTableCommand({ TableName: table }));
      await waitUntilTableNotExists({ client, maxWaitTime: 60 }, { TableName: table });
    }
    await client.send(new DeleteItemCommand({ TableName: TABLES.syncStateTable, Key: { [SYNC_ATTRIBUTES.stream]: { S: 'orders' } } }));
    await ensureTables(client, TABLES);
  } finally {
    client.destroy();
  }
}

async function startDynalite(request: WorkerRequest, dataDir: string): Promise<{ child: ChildService; endpoint: string }> {
  const child = await forkService(path.join(__dirname, 'dynalite-process.ts'), [dataDir], request.childExecArgv);
  const { endpoint } = await child.call<{ endpoint: string }>('info');
  const client = createDynamoClient({ region: LOCAL_REGION, endpoint });
  try {
    await ensureTables(client, TABLES);
  } finally {
    client.destroy();
  }
  return { child, endpoint };
}

async function run(request: WorkerRequest): Promise<WorkerAnswer> {
  // Metrics are still built and serialized after every step, as in Lambda; only the EMF lines stay off the table.
  metrics.divertTo(() => undefined);
  const fake = await startFake(request);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'order-sync-bench-'));
  const children: ChildService[] = [fake.child];
  try {
    const others = [{ label: 'fake', peakRss: () => fake.child.call<number>('peakRss') }];
    if (request.kind === 'source') {
      const meter = new PhaseMeter({ others, ordersInShop: request.orders, pageSize: request.pageSize });
      return { results: [await sourceOnly(meter, fake.control, request.pageSize)] };
    }

    const dynalite = await startDynalite(request, dataDir);
    children.push(dynalite.child);
    others.push({ label: 'dynalite', peakRss: () => dynalite.child.call<number>('peakRss') });
    const meter = new PhaseMeter({ others, ordersInShop: request.orders, pageSize: request.pageSize });
    if (request.kind === 'store') {
      const results = [
        await storeOnly(meter, fake.control, {
          pageSize: request.pageSize,
          dynamodbEndpoint: dynalite.endpoint,
          ordersTable: TABLES.ordersTable,
        }),
      ];
      return { results, dynaliteDiskBytes: await folderBytes(dataDir) };
    }

    const stack = await startLocalStack({
      source: { url: fake.control.url, token: fake.control.token },
      tables: TABLES,
      // The functions use the dynalite process, through the stack's IAM proxy.
      dynamodbUpstream: dynalite.endpoint,
      env: {
        PAGE_SIZE: String(request.pageSize),
        MAX_PAGES_PER_EXECUTION: String(request.maxPagesPerExecution),
        // Every stream: the orders first, then the products' and customers' own runs (syncPhases).
        STREAMS: STREAM_NAMES.join(','),
      },
      hooks: meter.invocations.hooks,
      functionPreload: FUNCTION_METERS,
      // One environment per function started before the phases: the bench measures runs, not cold starts.
      warm: true,
    });
    meter.attach(stack.functions);
    // The triggers' path runs in this process (syncPhases' startDeps): it reads the stack as the operator would.
    Object.assign(process.env, stack.operatorEnvironment);
    resetRuntime();
    try {
      const results = await syncPhases(meter, stack, fake.control, {
        pageSize: request.pageSize,
        changedOrders: request.changedOrders,
        fullOnly: request.fullOnly,
        // The day shop's runs are the orders' alone.
        otherStreams: request.dayShop ? {} : request.otherStreams,
        unchangedFullResyncs: !request.dayShop,
        ...(request.dailySalesOff ? { dailySalesOff: { resetOrdersCopy: () => resetOrdersCopy(dynalite.endpoint) } } : {}),
      });
      const template = localTemplate();
      const sizing = functionSizing(
        template,
        definitionFromTemplate(template).definition as unknown as { States: Record<string, unknown> },
      );
      return {
        results: request.dayShop ? results.map((result) => ({ ...result, dayShop: request.dayShop!.ordersPerDay })) : results,
        sizing,
        dynaliteDiskBytes: await folderBytes(dataDir),
      };
    } finally {
      await stack.stop();
    }
  } finally {
    for (const child of children.reverse()) await child.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

process.once('message', (request: WorkerRequest) => {
  run(request).then(
    (answer) => process.send!({ ok: true, answer }, () => process.exit(0)),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1)),
  );
});
process.send!({ ready: true });
