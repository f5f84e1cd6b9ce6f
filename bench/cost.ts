// Projected AWS cost of a run from what the bench counted: state transitions, Lambda invocations and billed
// GB-seconds (memory sizes read from the synthesized stack), DynamoDB on-demand read and write units.
// Pure functions; the prices are data, printed next to every figure.
import { STATE_NAMES } from '../infra/constructs/sync-state-machine';
import type { CloudFormationTemplate } from '../infra/synth';

export interface Prices {
  /** What the figures are: region, list prices, the date they were assumed. */
  source: string;
  stepFunctionsPerTransition: number;
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

export interface RunUsage {
  transitions: number;
  invocations: Record<string, number>;
  billedMs: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** EventBridge Scheduler invocations (1 for a scheduled run). */
  schedulerInvocations: number;
}

export interface CostBreakdown {
  stepFunctions: number;
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
  const parts = {
    stepFunctions: usage.transitions * prices.stepFunctionsPerTransition,
    lambdaRequests: requests * prices.lambdaPerRequest,
    lambdaCompute,
    dynamoReads: usage.readUnits * prices.dynamoPerReadUnit,
    dynamoWrites: usage.writeUnits * prices.dynamoPerWriteUnit,
    scheduler: usage.schedulerInvocations * prices.schedulerPerInvocation,
  };
  const total = Object.values(parts).reduce((sum, value) => sum + value, 0);
  return { ...parts, gbSeconds, total };
}

/** Step Functions transitions one more page adds: the SyncPage task and the Choice after it. */
export const TRANSITIONS_PER_PAGE = 2;

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
  return {
    transitions: usage.transitions + TRANSITIONS_PER_PAGE * extraPages,
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
    '  not included: CloudWatch Logs (state machine logs ALL, one log line per page), X-Ray traces, Secrets Manager reads (cached), storage, data transfer',
  ];
}
