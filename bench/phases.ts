// The measured phases: walk the source alone, write through the orders store alone, then a full resync and two
// incremental runs through the local state machine. Each phase is measured the same way (PhaseMeter), whichever
// process layout runs it: the bench's child processes, or one process in the smoke test.
import type { Order } from '../functions/core/order';
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { DynamoRecordStore } from '../functions/adapters/dynamodb/record-store';
import { HttpSource } from '../functions/adapters/source/http-source';
import { classifyPage } from '../functions/core/classify';
import { writeTagFor } from '../functions/core/execution-name';
import { instantFromEpochMs } from '../functions/core/instant';
import type { Instant } from '../functions/core/order';
import type { RecordSource, SourcePage } from '../functions/core/ports';
import type { StreamName } from '../functions/core/stream';
import type { RunOutcome } from '../functions/core/run-types';
import { startRun, type StartDeps } from '../functions/core/use-cases/start-run';
import type { SyncMode, Trigger, Window } from '../functions/core/run-types';
import type { Change, FakeApiStats, FakeOrdersApi } from '../local/fakes/orders-api';
import type { LocalStack } from '../local/aws/stack';
import type { StackFunctions } from '../local/aws/functions/stack-functions';
import type { FunctionMeterSnapshot } from './function-meters';
import { expressBilledMs, type ExpressUsage } from './cost';
import { LOCAL_REGION } from '../local/aws/state-machine/definition';
import { LocalExecutionStarter } from '../local/aws/state-machine/local-execution-starter';
import type { ExecutionRecord } from '../local/aws/state-machine/local-state-machine';
import { startDeps } from '../functions/runtime/start';
import {
  countsSince,
  installDynamoMeter,
  invocationMeter,
  Sections,
  tallySince,
  type DynamoMeter,
  type DynamoTally,
  type InvocationMeter,
} from './instrument';
import { sampleRss, type RssSampler } from './rss';
import { timeSyncParts } from './sync-parts';

/**
 * The fake's generated history ends this long before the bench starts: longer than the incremental overlap, so an
 * incremental run's window holds exactly the orders the bench changed, not the tail of the generated history.
 */
export const HISTORY_ENDS_BEFORE_START_MS = 60 * 60 * 1000;

export type PhaseName =
  | 'source only'
  | 'store only'
  | 'full resync'
  | 'incremental'
  | 'no-change incremental'
  | 'unchanged full resync, no reconciliation'
  | 'unchanged full resync'
  | 'full resync, daily sales off'
  | 'incremental, daily sales off'
  | 'no-change incremental, daily sales off';

/** An orders run's phase measured again with DAILY_SALES off, beside the one with it on (the default). */
export const DAILY_SALES_OFF: Partial<Record<PhaseName, PhaseName>> = {
  'full resync': 'full resync, daily sales off',
  incremental: 'incremental, daily sales off',
  'no-change incremental': 'no-change incremental, daily sales off',
};

/** The fake orders API as the phases need it, wherever it runs. */
export interface FakeControl {
  url: string;
  token: string;
  /** Requests the fake has answered so far (every route, every status). */
  requests(): Promise<number>;
  /** Of those, the ones it answered 429. */
  throttled(): Promise<number>;
  /** Changes records of a stream (default: orders). */
  mutate(change: Change, stream?: StreamName): Promise<unknown>;
  /** The ids of a stream's (default: orders) `count` oldest records. */
  oldestIds(count: number, stream?: StreamName): Promise<string[]>;
}

/** Another process of the bench whose peak memory is reported per phase. */
export interface MeasuredProcess {
  label: string;
  /** Peak RSS since the previous call (bytes). */
  peakRss(): Promise<number>;
}

export interface PhaseResult {
  phase: PhaseName;
  orders: number;
  /** The figures' settings. */
  ordersInShop: number;
  pageSize: number;
  /** Wall time of the measured part. */
  wallMs: number;
  apiCalls: number;
  /** Of the API calls, those the fake answered 429. */
  throttledCalls: number;
  pages: number;
  executions: number;
  /** Every state transition of the phase's executions, Standard and Express. */
  transitions: number;
  /** Of `transitions`, those of Standard executions: what Step Functions bills per transition (absent: all). */
  standardTransitions?: number;
  /** The Express executions of the phase and their billed duration (each rounded up to 100 ms). */
  express?: ExpressUsage;
  /** History events of every execution: what the state machines log (level ALL). */
  logEvents?: number;
  /** The stream the phase synced (absent: orders). */
  stream?: string;
  /** The daily sales' shop of this many orders a day, all on the day its runs touch (absent: the bench's shop). */
  dayShop?: number;
  /** Per function: begin, sync-page, commit, scheduled-trigger, api. */
  invocations: Record<string, number>;
  billedMs: Record<string, number>;
  dynamo: DynamoTally;
  /** Time per part: source, orders store, sync-state store, lambda steps (sums of calls). */
  partsMs: Record<string, number>;
  /** Peak RSS per process during the phase (bytes): runner, and the fake and dynalite when they run apart. */
  peakRss: Record<string, number>;
  /** RSS of the runner when the phase began. */
  runnerRssAtStart: number;
  /**
   * The runner's live heap after a full GC at the end of the phase (bytes), when the process runs with --expose-gc:
   * what the phase left retained, as opposed to RSS, which also holds garbage and V8's headroom.
   */
  runnerHeapAfterGc?: number;
  /** Run counts as the summary reported them (sync phases). */
  counts?: RunOutcome['counts'];
  notes: string[];
}

/** What a phase's body reports; the meter adds the rest. */
interface PhaseOutcome {
  orders: number;
  pages: number;
  chain?: ExecutionRecord[];
  /** When only part of the body is the measured work (store only). */
  measuredMs?: number;
  /** Parts timed during the body but outside the measured work. */
  unmeasuredParts?: string[];
  counts?: RunOutcome['counts'];
  notes?: string[];
}

export interface PhaseMeterOptions {
  others?: MeasuredProcess[];
  ordersInShop: number;
  pageSize: number;
}

/** Counts and times a phase: one per runner process (it wraps the stores' and source's classes for timing). */
export class PhaseMeter {
  readonly sections = new Sections();
  readonly invocations: InvocationMeter = invocationMeter(this.sections);
  private readonly dynamo: DynamoMeter = installDynamoMeter();
  private readonly rss: RssSampler = sampleRss();
  private readonly undo: Array<() => void>;
  /** The stack's functions, each counting in its own environment (bench/function-meters.ts): added to this process's. */
  private functions: StackFunctions | undefined;

  constructor(private readonly options: PhaseMeterOptions) {
    this.undo = [timeSyncParts(this.sections)];
  }

  /** Count the calls of these functions too (a local stack started with `functionPreload: FUNCTION_METERS`). */
  attach(functions: StackFunctions): void {
    this.functions = functions;
  }

  /** This process's counts plus every function environment's. */
  private async counted(): Promise<{ dynamo: DynamoTally; partsMs: Record<string, number> }> {
    const mine = { dynamo: this.dynamo.snapshot(), partsMs: this.sections.snapshot() };
    const theirs = ((await this.functions?.snapshots()) ?? []) as Array<FunctionMeterSnapshot | null>;
    return theirs.reduce<{ dynamo: DynamoTally; partsMs: Record<string, number> }>(
      (sum, one) => (one ? { dynamo: addTallies(sum.dynamo, one.dynamo), partsMs: addCounts(sum.partsMs, one.partsMs) } : sum),
      mine,
    );
  }

  async measure(
    phase: PhaseName,
    fake: FakeControl,
    body: () => Promise<PhaseOutcome>,
    options: { stream?: StreamName; recordsInShop?: number } = {},
  ): Promise<PhaseResult> {
    const others = this.options.others ?? [];
    await Promise.all(others.map((other) => other.peakRss())); // starts each one's window
    const runnerRssAtStart = this.rss.mark();
    const requestsBefore = await fake.requests();
    const throttledBefore = await fake.throttled();
    const countedBefore = await this.counted();
    const invocationsBefore = this.invocations.snapshot();
    const startedAt = performance.now();
    const outcome = await body();
    const wallMs = outcome.measuredMs ?? performance.now() - startedAt;
    const runnerPeak = this.rss.peak();
    const runnerHeapAfterGc = heapAfterGc();
    const otherPeaks = await Promise.all(others.map(async (other) => [other.label, await other.peakRss()] as const));
    const invocations = this.invocations.snapshot();
    const countedAfter = await this.counted();
    const chain = outcome.chain ?? [];
    return {
      phase,
      ...(options.stream && options.stream !== 'orders' ? { stream: options.stream } : {}),
      orders: outcome.orders,
      ordersInShop: options.recordsInShop ?? this.options.ordersInShop,
      pageSize: this.options.pageSize,
      wallMs,
      apiCalls: (await fake.requests()) - requestsBefore,
      throttledCalls: (await fake.throttled()) - throttledBefore,
      pages: outcome.pages,
      executions: chain.length,
      ...billedUsage(chain),
      invocations: countsSince(invocations.count, invocationsBefore.count),
      billedMs: countsSince(invocations.billedMs, invocationsBefore.billedMs),
      dynamo: tallySince(countedAfter.dynamo, countedBefore.dynamo),
      partsMs: withoutKeys(countsSince(countedAfter.partsMs, countedBefore.partsMs), outcome.unmeasuredParts ?? []),
      peakRss: { runner: runnerPeak, ...Object.fromEntries(otherPeaks) },
      runnerRssAtStart,
      ...(runnerHeapAfterGc !== undefined ? { runnerHeapAfterGc } : {}),
      ...(outcome.counts ? { counts: outcome.counts } : {}),
      notes: outcome.notes ?? [],
    };
  }

  close(): void {
    for (const undo of this.undo) undo();
    this.dynamo.uninstall();
    this.rss.stop();
  }
}

/** Live heap bytes after a full collection; undefined unless Node runs with --expose-gc. */
function heapAfterGc(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return undefined;
  gc();
  return process.memoryUsage().heapUsed;
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

function addTallies(a: DynamoTally, b: DynamoTally): DynamoTally {
  return {
    calls: addCounts(a.calls, b.calls),
    readUnits: addCounts(a.readUnits, b.readUnits),
    writeUnits: addCounts(a.writeUnits, b.writeUnits),
    itemsWritten: a.itemsWritten + b.itemsWritten,
    keysRead: a.keysRead + b.keysRead,
  };
}

/** The module a bench stack's function environments preload (their meters). */
export const FUNCTION_METERS = require.resolve('./function-meters');

function withoutKeys(values: Record<string, number>, keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key)));
}

/**
 * What Step Functions bills a chain of executions for: transitions of the Standard ones, requests and duration of the
 * Express ones (locally measured, so on dynalite's pace: pessimistic), and the events both log.
 */
export function billedUsage(
  chain: ReadonlyArray<Pick<ExecutionRecord, 'events' | 'type' | 'startDate' | 'stopDate'>>,
): Pick<PhaseResult, 'transitions' | 'standardTransitions' | 'express' | 'logEvents'> {
  const express = chain.filter((execution) => execution.type === 'EXPRESS');
  return {
    transitions: chain.reduce((sum, execution) => sum + stateTransitions(execution), 0),
    standardTransitions: chain
      .filter((execution) => execution.type !== 'EXPRESS')
      .reduce((sum, execution) => sum + stateTransitions(execution), 0),
    express: {
      executions: express.length,
      billedMs: express.reduce(
        (sum, execution) => sum + expressBilledMs((execution.stopDate ?? execution.startDate).getTime() - execution.startDate.getTime()),
        0,
      ),
    },
    logEvents: chain.reduce((sum, execution) => sum + execution.events.length, 0),
  };
}

/**
 * State transitions as Step Functions bills them: every state entered, plus every retry of a Task (a retry
 * shows in the history as TaskScheduled again without a new TaskStateEntered).
 */
export function stateTransitions(execution: Pick<ExecutionRecord, 'events'>): number {
  let entered = 0;
  let taskEntered = 0;
  let taskScheduled = 0;
  for (const event of execution.events) {
    if (event.type.endsWith('StateEntered')) entered++;
    if (event.type === 'TaskStateEntered') taskEntered++;
    if (event.type === 'TaskScheduled') taskScheduled++;
  }
  return entered + (taskScheduled - taskEntered);
}

/** The window a full run would use: everything updated before now. */
function fullWindow(): Window {
  return { from: null, to: instantFromEpochMs(Date.now()) as Instant };
}

async function* walkPages(source: RecordSource<Order>, window: Window, pageSize: number): AsyncGenerator<SourcePage<Order>> {
  let cursor: string | null = null;
  do {
    const page: SourcePage<Order> = await source.fetchPage({ window, cursor, limit: pageSize });
    yield page;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** 1. Every page of the source through the HTTP connector (validation included); nothing written. */
export function sourceOnly(meter: PhaseMeter, fake: FakeControl, pageSize: number): Promise<PhaseResult> {
  return meter.measure('source only', fake, async () => {
    const source = new HttpSource({ baseUrl: fake.url, token: fake.token });
    let orders = 0;
    let pages = 0;
    try {
      for await (const page of walkPages(source, fullWindow(), pageSize)) {
        orders += page.records.length;
        pages++;
      }
    } finally {
      await source.close();
    }
    return { orders, pages };
  });
}

/**
 * 2. The same orders through the orders store as the page step writes them (getVersions, classify, putRecords
 * per page). Pages are fetched one at a time outside the measured time, so memory stays flat.
 */
export function storeOnly(
  meter: PhaseMeter,
  fake: FakeControl,
  options: { pageSize: number; dynamodbEndpoint: string; ordersTable: string },
): Promise<PhaseResult> {
  return meter.measure('store only', fake, async () => {
    const source = new HttpSource({ baseUrl: fake.url, token: fake.token });
    const client = createDocumentClient({ region: LOCAL_REGION, endpoint: options.dynamodbEndpoint });
    const store = new DynamoRecordStore({ client, tableName: options.ordersTable });
    const syncedAt = instantFromEpochMs(Date.now());
    let orders = 0;
    let pages = 0;
    let measuredMs = 0;
    try {
      for await (const page of walkPages(source, fullWindow(), options.pageSize)) {
        const startedAt = performance.now();
        const writeTag = writeTagFor('bench-store-only', pages);
        const stored = await store.getVersions(page.records.map((order) => order.id));
        const { writes } = classifyPage(page.records, stored, writeTag, syncedAt);
        await store.putRecords(writes.map((write) => ({ ...write, writeTag, syncedAt, readAt: syncedAt })));
        measuredMs += performance.now() - startedAt;
        orders += page.records.length;
        pages++;
      }
    } finally {
      await source.close();
      client.destroy();
    }
    return {
      orders,
      pages,
      measuredMs,
      unmeasuredParts: ['source'],
      notes: ['time and memory cover the store calls; the pages were fetched between them, unmeasured'],
    };
  });
}

export interface SyncPhasesOptions {
  pageSize: number;
  /** Orders changed at the source before the incremental run. */
  changedOrders: number;
  /** Only the full resync (the memory-ratio run). */
  fullOnly?: boolean;
  /**
   * The other streams' records in the shop (products, customers): each gets a full resync, an incremental run after
   * `changedOrders` of its records changed and one after none, measured as the orders' are. Absent: orders only.
   */
  otherStreams?: Partial<Record<Exclude<StreamName, 'orders'>, number>>;
  /**
   * What the daily sales cost, measured side by side: the orders' full resync and incremental runs once more with
   * DAILY_SALES off (the full resync first, into a copy then emptied by `resetOrdersCopy`). Absent: on only.
   */
  dailySalesOff?: { resetOrdersCopy(): Promise<void> };
  /** The full resyncs of the unchanged shop, reconciliation off then on (default true). */
  unchangedFullResyncs?: boolean;
}

/** 3-5. A full resync (continue-as-new included), an incremental run after changes, one after none. */
export async function syncPhases(
  meter: PhaseMeter,
  stack: LocalStack,
  fake: FakeControl,
  options: SyncPhasesOptions,
): Promise<PhaseResult[]> {
  // The triggers' own path (lease first, then StartExecution), with the local machine as the starter.
  const deps: StartDeps = { ...startDeps('orders'), starter: new LocalExecutionStarter(stack.machine) };
  const salesOff = options.fullOnly ? undefined : options.dailySalesOff;
  const results: PhaseResult[] = [];
  if (salesOff) {
    results.push(await withoutDailySales(stack, () => runChain(meter, stack, fake, deps, 'full resync, daily sales off', 'full', 'http')));
    await salesOff.resetOrdersCopy();
  }
  results.push(await runChain(meter, stack, fake, deps, 'full resync', 'full', 'http'));
  if (options.fullOnly) return results;

  results.push(...(await incrementalRuns(meter, stack, fake, deps, 'orders', options.changedOrders)));
  // The same runs without the daily sales (the same orders changed again): the difference is what they add.
  if (salesOff)
    results.push(
      ...(await withoutDailySales(stack, () =>
        incrementalRuns(meter, stack, fake, deps, 'orders', options.changedOrders, undefined, true),
      )),
    );

  if (options.unchangedFullResyncs === false) return results;
  // A full resync of the unchanged shop twice, reconciliation off then on: the difference is what reconciliation adds
  // (every order was written by an earlier run, so each is asked about: the most it can cost).
  await setReconcile(stack, false);
  try {
    results.push(
      await runChain(meter, stack, fake, deps, 'unchanged full resync, no reconciliation', 'full', 'http', [
        'nothing changed; RECONCILE_AFTER_FULL_RESYNC=false',
      ]),
    );
  } finally {
    await setReconcile(stack, true);
  }
  results.push(
    await runChain(meter, stack, fake, deps, 'unchanged full resync', 'full', 'http', [
      'nothing changed; reconciliation asks the source about every order (GET /orders?ids=, 250 a request)',
    ]),
  );

  // Each other stream on its own copy table and lease: a full resync to fill the copy, then its incremental runs.
  for (const [stream, records] of Object.entries(options.otherStreams ?? {}) as Array<[StreamName, number]>) {
    const streamDeps: StartDeps = { ...startDeps(stream), starter: new LocalExecutionStarter(stack.machine) };
    const own = { stream, recordsInShop: records };
    results.push(await runChain(meter, stack, fake, streamDeps, 'full resync', 'full', 'http', [], own));
    results.push(...(await incrementalRuns(meter, stack, fake, streamDeps, stream, options.changedOrders, records)));
  }
  return results;
}

/** The records the last incremental runs of each stream changed. */
const lastChanged = new Map<StreamName, string[]>();

/** A stream's incremental run after `changes` of its oldest records changed, then one after nothing changed. */
async function incrementalRuns(
  meter: PhaseMeter,
  stack: LocalStack,
  fake: FakeControl,
  deps: StartDeps,
  stream: StreamName,
  changes: number,
  recordsInShop?: number,
  dailySalesOff = false,
): Promise<PhaseResult[]> {
  const own = { stream, ...(recordsInShop !== undefined ? { recordsInShop } : {}) };
  const name = (phase: PhaseName): PhaseName => (dailySalesOff ? DAILY_SALES_OFF[phase]! : phase);
  // The runs with the daily sales off change the same records again: the oldest now would be others, whose window
  // would also hold the overlap's re-read records, and the two runs would not be alike.
  const changed = (dailySalesOff && lastChanged.get(stream)) || (await fake.oldestIds(changes, stream));
  lastChanged.set(stream, changed);
  await fake.mutate({ updates: changed }, stream);
  return [
    await runChain(
      meter,
      stack,
      fake,
      deps,
      name('incremental'),
      'incremental',
      'schedule',
      [`${changed.length} ${stream} changed before the run`],
      own,
    ),
    await runChain(
      meter,
      stack,
      fake,
      deps,
      name('no-change incremental'),
      'incremental',
      'schedule',
      ['nothing changed at the source'],
      own,
    ),
  ];
}

/** Runs `body` with the page step's DAILY_SALES off (as a deploy would set it), then on again. */
async function withoutDailySales<T>(stack: LocalStack, body: () => Promise<T>): Promise<T> {
  const syncPage = stack.functions.get('sync-page');
  await syncPage.updateEnvironment({ DAILY_SALES: 'false' });
  try {
    return await body();
  } finally {
    await syncPage.updateEnvironment({ DAILY_SALES: 'true' });
  }
}

/** Reconciliation on or off for the page step's next invocations, as a deploy would change it (its environment). */
async function setReconcile(stack: LocalStack, on: boolean): Promise<void> {
  await stack.functions.get('sync-page').updateEnvironment({ RECONCILE_AFTER_FULL_RESYNC: String(on) });
}

/** The function a trigger runs in AWS: the schedule's target, or the HTTP API. */
const TRIGGER_FUNCTION: Partial<Record<Trigger, string>> = { schedule: 'scheduled-trigger', http: 'api' };

async function runChain(
  meter: PhaseMeter,
  stack: LocalStack,
  fake: FakeControl,
  deps: StartDeps,
  phase: PhaseName,
  mode: SyncMode,
  trigger: Trigger,
  notes: string[] = [],
  own: { stream?: StreamName; recordsInShop?: number } = {},
): Promise<PhaseResult> {
  return meter.measure(
    phase,
    fake,
    async () => {
      const triggeredAt = performance.now();
      const started = await startRun(deps, { mode, trigger, resume: false });
      const triggerFunction = TRIGGER_FUNCTION[trigger];
      if (triggerFunction) meter.invocations.record(triggerFunction, performance.now() - triggeredAt);
      const chain = await stack.machine.waitForChain(started.executionArn);
      const failed = chain.filter((execution) => execution.status !== 'SUCCEEDED');
      if (failed.length > 0) {
        throw new Error(`${phase}: execution ${failed[0]!.name} ${failed[0]!.status}: ${failed[0]!.error}: ${failed[0]!.cause}`);
      }
      const summary = chain[chain.length - 1]!.output as RunOutcome;
      return { orders: summary.counts.fetched, pages: summary.pages, chain, counts: summary.counts, notes };
    },
    own,
  );
}

/** The requests the fake answered 429, every route. */
export function throttledAnswers(stats: FakeApiStats): number {
  return Object.values(stats.byRoute).reduce((sum, statuses) => sum + (statuses['429'] ?? 0), 0);
}

/** The fake orders API of this process (the smoke test's layout) as the phases drive it. */
export function fakeControlOf(api: FakeOrdersApi): FakeControl {
  return {
    url: api.url,
    token: api.token,
    requests: async () => api.stats().requests,
    throttled: async () => throttledAnswers(api.stats()),
    mutate: async (change, stream = 'orders') => api.stream(stream).mutate(change),
    oldestIds: async (count, stream = 'orders') =>
      api
        .stream(stream)
        .truth()
        .slice(0, count)
        .map((record) => record.id),
  };
}
