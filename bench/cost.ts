// Projected AWS cost of a run from what the bench counted: Standard state transitions, Express executions (requests
// and GB-seconds), the state machines' log events, Lambda invocations and billed GB-seconds (memory sizes read from
// the synthesized stack), DynamoDB on-demand read and write units; and a month of incremental runs per stream and for
// the streams together. Pure functions; the prices are data, printed next to every figure.
import { STATE_NAMES } from '../infra/constructs/sync-state-machine';
import type { CloudFormationTemplate } from '../infra/synth';

export interface Prices {
  /** What the figures are: region, list prices, the date they were assumed. */
  source: string;
  stepFunctionsPerTransition: number;
  /** Express workflows: per execution started, and per GB-second of duration at `expressMemoryMb`. */
  expressPerRequest: number;
  expressPerGbSecond: number;
  /** Express bills memory in 64 MB chunks; ours: 50 MB + a ~15 KB definition + a few KB of run state: one chunk. */
  expressMemoryMb: number;
  /** CloudWatch Logs ingestion (the state machines log every event, without execution data). */
  logsPerGbIngested: number;
  /** Assumed size of one state machine log event without execution data (type, ids, timestamp, execution ARN, details). */
  logBytesPerEvent: number;
  lambdaPerRequest: number;
  lambdaPerGbSecond: Record<Architecture, number>;
  dynamoPerWriteUnit: number;
  dynamoPerReadUnit: number;
  schedulerPerInvocation: number;
}

/** us-east-1 list prices, no free tier. Not re-checked online (no network here): check before quoting. */
export const US_EAST_1_PRICES: Prices = {
  source: 'us-east-1 list prices as known on 2025-06-01 (DynamoDB on-demand after the Nov 2024 cut), no free tier',
  stepFunctionsPerTransition: 0.025 / 1_000, // Standard workflows
  expressPerRequest: 1 / 1_000_000,
  expressPerGbSecond: 0.06 / 3_600, // $0.06 per GB-hour, the first 1,000 GB-hours of the month
  expressMemoryMb: 64,
  logsPerGbIngested: 0.5, // Standard log class
  logBytesPerEvent: 500,
  lambdaPerRequest: 0.2 / 1_000_000,
  lambdaPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  dynamoPerWriteUnit: 0.625 / 1_000_000, // on-demand, Standard table class
  dynamoPerReadUnit: 0.125 / 1_000_000,
  schedulerPerInvocation: 1 / 1_000_000, // EventBridge Scheduler
};

/** An incremental run every 5 minutes, for 30 days. */
export const RUNS_PER_MONTH_EVERY_5_MINUTES = 30 * 24 * 12;

export type Architecture = 'arm64' | 'x86_64';

export interface FunctionSizing {
  logicalId: string;
  memoryMb: number;
  architecture: Architecture;
}

/** The functions the bench invokes, by the names the local runner's hooks use. */
export type FunctionName = 'begin' | 'sync-page' | 'commit' | 'record-failure' | 'scheduled-trigger' | 'api';

/** The step functions' state names, as local/aws/state-machine/task-bindings.ts binds them. */
const STATE_OF_FUNCTION: Partial<Record<FunctionName, string>> = {
  begin: STATE_NAMES.begin,
  'sync-page': STATE_NAMES.syncPage,
  commit: STATE_NAMES.commit,
  'record-failure': STATE_NAMES.recordFailure,
};

/**
 * Memory size and architecture of each function, from the synthesized template: the step functions found
 * through the state machine's Task states, the scheduled trigger through the schedule's target, the API function
 * by its construct id.
 */
export function functionSizing(
  template: CloudFormationTemplate,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an ASL definition: untyped JSON
  definition: { States: Record<string, any> },
): Record<FunctionName, FunctionSizing> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a CloudFormation template and an ASL definition: untyped JSON
  const resources = template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
  const sizingOf = (logicalId: string | undefined, what: string): FunctionSizing => {
    const properties = logicalId ? resources[logicalId]?.Properties : undefined;
    if (!logicalId || !properties || typeof properties.MemorySize !== 'number') throw new Error(`no Lambda function found for ${what}`);
    const architecture: Architecture = (properties.Architectures?.[0] ?? 'x86_64') === 'arm64' ? 'arm64' : 'x86_64';
    return { logicalId, memoryMb: properties.MemorySize, architecture };
  };
  const fromState = (stateName: string): FunctionSizing => {
    const functionArn = String(definition.States[stateName]?.Parameters?.FunctionName ?? '');
    return sizingOf(functionArn.split(':function:')[1], `state ${stateName}`);
  };
  const schedule = Object.values(resources).find((resource) => resource.Type === 'AWS::Scheduler::Schedule');
  const scheduledTarget = schedule?.Properties.Target?.Arn?.['Fn::GetAtt']?.[0] as string | undefined;
  const apiId = Object.keys(resources).find((id) => id.startsWith('ApiFunction') && resources[id]!.Type === 'AWS::Lambda::Function');
  const sizing = Object.fromEntries(Object.entries(STATE_OF_FUNCTION).map(([name, state]) => [name, fromState(state!)]));
  return {
    ...(sizing as Record<'begin' | 'sync-page' | 'commit' | 'record-failure', FunctionSizing>),
    'scheduled-trigger': sizingOf(scheduledTarget, 'the schedule target'),
    api: sizingOf(apiId, 'the HTTP API'),
  };
}

/** What Express bills an execution: one request, its duration rounded up to 100 ms. */
export interface ExpressUsage {
  executions: number;
  billedMs: number;
}

/** An Express execution's duration as billed: rounded up to the next 100 ms. */
export function expressBilledMs(durationMs: number): number {
  return Math.max(100, Math.ceil(durationMs / 100) * 100);
}

export interface RunUsage {
  /** Standard workflow transitions (billed); an Express execution's transitions are not billed as such. */
  transitions: number;
  express?: ExpressUsage;
  /** Events the state machines log (level ALL): every history event of every execution. */
  logEvents?: number;
  invocations: Record<string, number>;
  billedMs: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** EventBridge Scheduler invocations (1 for a scheduled run). */
  schedulerInvocations: number;
}

export interface CostBreakdown {
  /** Standard transitions. */
  stepFunctions: number;
  /** Express requests and duration. */
  stepFunctionsExpress: number;
  expressGbSeconds: number;
  /** The state machines' log ingestion. */
  logs: number;
  lambdaRequests: number;
  lambdaCompute: number;
  gbSeconds: number;
  dynamoReads: number;
  dynamoWrites: number;
  scheduler: number;
  total: number;
}

export function projectCost(usage: RunUsage, sizing: Record<string, FunctionSizing>, prices: Prices = US_EAST_1_PRICES): CostBreakdown {
  let requests = 0;
  let gbSeconds = 0;
  let lambdaCompute = 0;
  for (const [name, count] of Object.entries(usage.invocations)) {
    const size = sizing[name];
    if (!size) throw new Error(`no memory size known for function ${name}`);
    requests += count;
    const functionGbSeconds = (size.memoryMb / 1024) * ((usage.billedMs[name] ?? 0) / 1000);
    gbSeconds += functionGbSeconds;
    lambdaCompute += functionGbSeconds * prices.lambdaPerGbSecond[size.architecture];
  }
  const expressGbSeconds = ((usage.express?.billedMs ?? 0) / 1000) * (prices.expressMemoryMb / 1024);
  const parts = {
    stepFunctions: usage.transitions * prices.stepFunctionsPerTransition,
    stepFunctionsExpress: (usage.express?.executions ?? 0) * prices.expressPerRequest + expressGbSeconds * prices.expressPerGbSecond,
    logs: (((usage.logEvents ?? 0) * prices.logBytesPerEvent) / 1e9) * prices.logsPerGbIngested,
    lambdaRequests: requests * prices.lambdaPerRequest,
    lambdaCompute,
    dynamoReads: usage.readUnits * prices.dynamoPerReadUnit,
    dynamoWrites: usage.writeUnits * prices.dynamoPerWriteUnit,
    scheduler: usage.schedulerInvocations * prices.schedulerPerInvocation,
  };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return { ...parts, gbSeconds, expressGbSeconds, total };
}

/** Step Functions transitions one more page adds: the SyncPage task and the Choice after it. */
export const TRANSITIONS_PER_PAGE = 2;

/** The transitions of a Standard part besides its pages: Begin, Skipped?, Commit, AnyNewlyQuarantined?, Done. */
export const STANDARD_PART_TRANSITIONS = 5;

/** History events (so log events) one more page adds: the Task's five, the Choice's two. */
export const LOG_EVENTS_PER_PAGE = 7;
/** Those of a Standard part besides its pages: started, two Tasks of five, three states of two, succeeded. */
export const LOG_EVENTS_PER_STANDARD_PART = 18;

/**
 * A deep lookback's usage, from a measured no-change incremental run: the same run, reading `orders` unchanged orders
 * instead of the measured run's (`measured.orders` in `measured.pages` pages). Per order it adds what the measured run
 * spent per order (the orders and quarantine read units, the page step's billed time); per page, one page step, its
 * transitions, and the page's two sync-state writes (claim and save) at the measured run's units per write.
 */
export function deepLookbackUsage(
  measured: { usage: RunUsage; orders: number; pages: number; orderReadUnits: number; stateWriteUnitsPerWrite: number },
  lookback: { orders: number; pageSize: number },
): RunUsage {
  const pages = Math.max(1, Math.ceil(lookback.orders / lookback.pageSize));
  const extraPages = Math.max(0, pages - measured.pages);
  const perOrder = (total: number) => (measured.orders > 0 ? total / measured.orders : 0);
  const extraOrders = Math.max(0, lookback.orders - measured.orders);
  const { usage } = measured;
  // A run measured on Express hands over to the Standard machine when it outgrows it: the extra pages are Standard
  // transitions there, plus that part's own Begin, Skipped?, Commit, AnyNewlyQuarantined? and Done.
  const handedOver = usage.express && extraPages > 0 ? STANDARD_PART_TRANSITIONS : 0;
  return {
    ...usage,
    transitions: usage.transitions + TRANSITIONS_PER_PAGE * extraPages + handedOver,
    logEvents: (usage.logEvents ?? 0) + LOG_EVENTS_PER_PAGE * extraPages + (handedOver ? LOG_EVENTS_PER_STANDARD_PART : 0),
    invocations: { ...usage.invocations, 'sync-page': (usage.invocations['sync-page'] ?? 0) + extraPages },
    billedMs: {
      ...usage.billedMs,
      'sync-page': (usage.billedMs['sync-page'] ?? 0) + perOrder(usage.billedMs['sync-page'] ?? 0) * extraOrders,
    },
    readUnits: usage.readUnits + perOrder(measured.orderReadUnits) * extraOrders,
    writeUnits: usage.writeUnits + 2 * measured.stateWriteUnitsPerWrite * extraPages,
    schedulerInvocations: usage.schedulerInvocations,
  };
}

/**
 * What deep lookbacks add in a month: each replaces one ordinary run (the scheduled tick it falls on), so the cost
 * is the deep run's minus the ordinary one's, once per LOOKBACK_EVERY_SECONDS.
 */
export function deepLookbackMonthlyCost(deepRun: CostBreakdown, ordinaryRun: CostBreakdown, everySeconds: number): CostBreakdown {
  const runs = (30 * 86_400) / everySeconds;
  const added = Object.fromEntries(
    Object.keys(deepRun).map((key) => [key, (deepRun[key as keyof CostBreakdown] - ordinaryRun[key as keyof CostBreakdown]) * runs]),
  );
  return added as unknown as CostBreakdown;
}

export function scaleCost(cost: CostBreakdown, times: number): CostBreakdown {
  return Object.fromEntries(Object.entries(cost).map(([key, value]) => [key, value * times])) as unknown as CostBreakdown;
}

/** The price lines printed under the cost figures. */
export function describePrices(prices: Prices = US_EAST_1_PRICES): string[] {
  return [
    `prices: ${prices.source}`,
    `  Step Functions Standard $${(prices.stepFunctionsPerTransition * 1000).toFixed(3)}/1k transitions; ` +
      `Lambda $${(prices.lambdaPerRequest * 1e6).toFixed(2)}/1M requests, $${prices.lambdaPerGbSecond.arm64}/GB-s arm64 ($${prices.lambdaPerGbSecond.x86_64} x86_64)`,
    `  DynamoDB on-demand $${(prices.dynamoPerWriteUnit * 1e6).toFixed(3)}/1M WRU, $${(prices.dynamoPerReadUnit * 1e6).toFixed(3)}/1M RRU; ` +
      `EventBridge Scheduler $${(prices.schedulerPerInvocation * 1e6).toFixed(2)}/1M invocations`,
    `  Step Functions Express $${(prices.expressPerRequest * 1e6).toFixed(2)}/1M requests, $${(prices.expressPerGbSecond * 3600).toFixed(3)}/GB-hour ` +
      `at ${prices.expressMemoryMb} MB (duration rounded up to 100 ms); state machine logs $${prices.logsPerGbIngested.toFixed(2)}/GB ingested at ${prices.logBytesPerEvent} bytes an event (assumed)`,
    "  not included: the functions' own logs, log storage, X-Ray traces, Secrets Manager reads (cached), table storage, data transfer",
  ];
}

/** The cost targets of 5-minute incremental runs for the three streams together (bench model, a month). */
export const MONTHLY_TARGETS = { noChange: 1.6, changed: 2.54 } as const;

/** One stream's incremental runs as the model takes them: measured by the bench, or assumed (taken from another stream's). */
export interface StreamRuns {
  stream: string;
  noChange: RunUsage;
  changed: RunUsage;
  /** Whose runs these are: the stream's own measured ones, or another stream's, assumed alike. */
  measuredOn: string;
}

export interface StreamsMonth {
  perStream: Array<{ stream: string; measuredOn: string; noChange: CostBreakdown; changed: CostBreakdown }>;
  /** Every stream's no-change runs. */
  noChange: CostBreakdown;
  /**
   * "100 changes a run" across the streams, wherever they fall: for each stream, its changed runs beside the other
   * streams' no-change runs.
   */
  changedIn: Array<{ stream: string; cost: CostBreakdown }>;
  /** The dearest of `changedIn`: what the target is checked against. */
  changed: CostBreakdown;
  /** The stream whose changes cost the most. */
  changedStream: string;
}

/** A month of 5-minute incremental runs of every stream: each stream alone, and the streams together. */
export function streamsMonthlyCost(
  streams: readonly StreamRuns[],
  sizing: Record<string, FunctionSizing>,
  prices: Prices = US_EAST_1_PRICES,
): StreamsMonth {
  if (streams.length === 0) throw new Error('no stream runs to cost');
  const month = (usage: RunUsage) => scaleCost(projectCost(usage, sizing, prices), RUNS_PER_MONTH_EVERY_5_MINUTES);
  const perStream = streams.map((runs) => ({
    stream: runs.stream,
    measuredOn: runs.measuredOn,
    noChange: month(runs.noChange),
    changed: month(runs.changed),
  }));
  const changedIn = perStream.map((changing) => ({
    stream: changing.stream,
    cost: sumCosts(perStream.map((one) => (one === changing ? one.changed : one.noChange))),
  }));
  const dearest = changedIn.reduce((worst, one) => (one.cost.total > worst.cost.total ? one : worst));
  return {
    perStream,
    noChange: sumCosts(perStream.map((one) => one.noChange)),
    changedIn,
    changed: dearest.cost,
    changedStream: dearest.stream,
  };
}

export function sumCosts(costs: readonly CostBreakdown[]): CostBreakdown {
  const sum = {} as Record<keyof CostBreakdown, number>;
  for (const cost of costs)
    for (const [key, value] of Object.entries(cost)) sum[key as keyof CostBreakdown] = (sum[key as keyof CostBreakdown] ?? 0) + value;
  return sum as CostBreakdown;
}
