// Turns the phases' figures into the bench's verdicts (the two ratios, the source-call checks), the projected
// costs, and the one table it prints. Pure: the same report object is printed and written as JSON.
import {
  describePrices,
  deepLookbackMonthlyCost,
  deepLookbackUsage,
  MONTHLY_TARGETS,
  projectCost,
  RUNS_PER_MONTH_EVERY_5_MINUTES,
  scaleCost,
  streamsMonthlyCost,
  US_EAST_1_PRICES,
  type CostBreakdown,
  type RunUsage,
  type FunctionSizing,
  type Prices,
  type StreamRuns,
  type StreamsMonth,
} from './cost';
import { STREAM_NAMES } from '../functions/core/stream';
import { LOOKBACK_EVERY_SECONDS_DEFAULT, LOOKBACK_SECONDS_DEFAULT } from '../functions/core/limits';
import { totalUnits } from './instrument';
import { DAILY_SALES_OFF, type PhaseName, type PhaseResult } from './phases';

export const ORCHESTRATION_RATIO_GOAL = 1.15;
export const MEMORY_RATIO_GOAL = 1.2;

export interface BenchSettings {
  orders: number;
  pageSize: number;
  maxPagesPerExecution: number;
  latencyMs: number;
  rateLimitPerSecond: number | null;
  /** How the fake counts the rate limit: calendar seconds or any 1000 ms (default fixed). */
  rateWindow?: 'fixed' | 'sliding';
  changedOrders: number;
  /** The smaller shop of the memory ratio (0: not run). */
  memorySmallOrders: number;
  /** The daily sales' shop: orders a day (0 or absent: not run). */
  dayShopOrders?: number;
}

export interface Machine {
  date: string;
  host: string;
  cpus: string;
  memoryGb: number;
  node: string;
  /** 1-minute load average before and after the run (the machine is shared). */
  loadBefore: number[];
  loadAfter: number[];
}

export interface Check {
  name: string;
  pass: boolean;
  detail: string;
}

export interface BenchReport {
  settings: BenchSettings;
  machine: Machine;
  phases: PhaseResult[];
  /** The full resync of the smaller shop, in a fresh process: the memory ratio's other half. */
  smallFullResync?: PhaseResult;
  orchestrationRatio?: number;
  /**
   * The same question asked inside the full resync alone: its wall time over the time its steps spent in the source
   * and the orders store. Immune to the machine's load changing between phases (a shared machine).
   */
  inRunOrchestrationRatio?: number;
  memoryRatio?: { peakRatio: number; growthRatio: number; heapAfterGcRatio?: number; small: number; large: number };
  checks: Check[];
  rateLimit?: {
    rate: number;
    window: 'fixed' | 'sliding';
    calls: number;
    throttled: number;
    expectedSeconds: number;
    measuredSeconds: number;
    /**
     * The full resync's orders store time per page. The page step fetches the next page while it stores this one,
     * so the walk keeps to the rate only while this stays under 1000 / rate ms.
     */
    storeMsPerPage?: number;
  };
  costs: Array<{ what: string; cost: CostBreakdown }>;
  /** A month of 5-minute incremental runs of each stream and of the streams together, with the targets. */
  /** The three streams' month: the sync alone (the orders runs with the daily sales off) when the bench measured it. */
  streamsMonth?: StreamsMonth;
  /** The same with the daily sales on, when streamsMonth is the sync alone. */
  streamsMonthWithSales?: StreamsMonth;
  /** What the daily sales (DAILY_SALES, on by default) add, measured on and off side by side. */
  dailySales?: DailySalesCost;
  /** What reconciliation adds to a full resync of the unchanged shop: time, AWS cost, source requests. */
  reconciliation?: { addedSeconds: number; addedCost: number; addedApiCalls: number; steps: number };
  prices: Prices;
  sizing: Record<string, FunctionSizing>;
  notes: string[];
}

/** The orders stream's phase of that name in the bench's shop (the other streams' phases carry `stream`, the day shop's `dayShop`). */
export function phaseOf(phases: readonly PhaseResult[], name: PhaseName, dayShop?: number): PhaseResult | undefined {
  return phases.find((phase) => phase.phase === name && phase.stream === undefined && phase.dayShop === dayShop);
}

/** What the daily sales add to one kind of run: the run with DAILY_SALES on minus the same run with it off. */
export interface DailySalesAdded {
  what: string;
  perRun: CostBreakdown;
  /** The added cost of a month of such runs every 5 minutes (incremental runs). */
  month?: CostBreakdown;
  lambdaSteps: number;
  transitions: number;
  readUnits: number;
  writeUnits: number;
  /** Page-step milliseconds (as measured here: the noisiest figure). */
  pageStepMs: number;
}

export interface DailySalesCost {
  added: DailySalesAdded[];
  /** A month of 5-minute orders runs for a shop of `ordersPerDay` orders a day, `changes` changed orders a run. */
  dayShop?: { ordersPerDay: number; changes: number; on: CostBreakdown; off: CostBreakdown; added: DailySalesAdded };
}

/** The source calls a run of `fetched` orders needs: one per page, at least one (docs/source-contract.md: null ends the walk). */
export function expectedSourceCalls(fetched: number, pageSize: number): number {
  return Math.max(1, Math.ceil(fetched / pageSize));
}

export function buildReport(input: {
  settings: BenchSettings;
  machine: Machine;
  phases: PhaseResult[];
  smallFullResync?: PhaseResult;
  sizing: Record<string, FunctionSizing>;
  notes?: string[];
  prices?: Prices;
}): BenchReport {
  const { settings, phases } = input;
  const prices = input.prices ?? US_EAST_1_PRICES;
  const source = phaseOf(phases, 'source only');
  const store = phaseOf(phases, 'store only');
  const full = phaseOf(phases, 'full resync');
  const incremental = phaseOf(phases, 'incremental');
  const noChange = phaseOf(phases, 'no-change incremental');
  const checks: Check[] = [];

  // The orchestration's own overhead: the full resync that does what the two alone do (the orders, no daily sales'
  // entries or recompute) when the bench measured it.
  const fullSalesOff = phaseOf(phases, 'full resync, daily sales off');
  const orchestrated = fullSalesOff ?? full;
  const orchestrationRatio = orchestrated && source && store ? orchestrated.wallMs / (source.wallMs + store.wallMs) : undefined;
  if (orchestrationRatio !== undefined) {
    checks.push({
      name: `full${fullSalesOff ? ' (daily sales off)' : ''} / (source only + store only) <= ${ORCHESTRATION_RATIO_GOAL}`,
      pass: orchestrationRatio <= ORCHESTRATION_RATIO_GOAL,
      detail: `${(orchestrated!.wallMs / 1000).toFixed(1)} s / (${(source!.wallMs / 1000).toFixed(1)} s + ${(store!.wallMs / 1000).toFixed(1)} s) = ${orchestrationRatio.toFixed(2)}`,
    });
  }

  const pagesWork = orchestrated ? (orchestrated.partsMs.source ?? 0) + (orchestrated.partsMs['orders store'] ?? 0) : 0;
  const inRunOrchestrationRatio = orchestrated && pagesWork > 0 ? orchestrated.wallMs / pagesWork : undefined;

  let memoryRatio: BenchReport['memoryRatio'];
  const small = input.smallFullResync;
  if (full && small) {
    const growth = (phase: PhaseResult) => Math.max(1, phase.peakRss.runner! - phase.runnerRssAtStart);
    memoryRatio = {
      peakRatio: full.peakRss.runner! / small.peakRss.runner!,
      growthRatio: growth(full) / growth(small),
      ...(full.runnerHeapAfterGc && small.runnerHeapAfterGc ? { heapAfterGcRatio: full.runnerHeapAfterGc / small.runnerHeapAfterGc } : {}),
      small: small.ordersInShop,
      large: full.ordersInShop,
    };
    checks.push({
      name: `runner peak RSS, full resync ${full.ordersInShop} vs ${small.ordersInShop} orders <= ${MEMORY_RATIO_GOAL}x`,
      pass: memoryRatio.peakRatio <= MEMORY_RATIO_GOAL,
      detail:
        `${mb(full.peakRss.runner!)} / ${mb(small.peakRss.runner!)} = ${memoryRatio.peakRatio.toFixed(2)}x (growth during the run ${mb(growth(full))} vs ${mb(growth(small))}` +
        (full.runnerHeapAfterGc && small.runnerHeapAfterGc
          ? `; live heap after GC ${mb(full.runnerHeapAfterGc)} vs ${mb(small.runnerHeapAfterGc)})`
          : ')'),
    });
  }

  // Every stream's incremental runs, the orders' first.
  for (const phase of phases.filter((one) => one.phase === 'incremental' || one.phase === 'no-change incremental')) {
    // Plus one page of the deletion feed (the bench's shop deletes nothing: one page).
    const expected = expectedSourceCalls(phase.orders, phase.pageSize) + 1;
    const onePage = phase.orders <= phase.pageSize;
    checks.push({
      name: `${phase.stream ? `${phase.stream}: ` : ''}${phase.phase}: ${onePage ? 'one source call' : `${expected - 1} source calls`} for ${phase.orders} ${phase.stream ?? 'orders'} fetched, and one deletion feed page`,
      pass: phase.apiCalls === expected,
      detail: `${phase.apiCalls} source call(s), ${phase.pages} page(s), ${phase.counts ? `${phase.counts.inserted} inserted, ${phase.counts.updated} updated, ${phase.counts.unchanged} unchanged` : ''}`,
    });
  }
  if (full) {
    checks.push({
      name: 'full resync stored every order of the shop',
      pass: full.counts?.fetched === full.ordersInShop && full.counts?.inserted === full.ordersInShop,
      detail: `fetched ${full.counts?.fetched}, inserted ${full.counts?.inserted} of ${full.ordersInShop}`,
    });
  }

  let rateLimit: BenchReport['rateLimit'];
  const limited = full ?? source;
  if (settings.rateLimitPerSecond && limited) {
    rateLimit = {
      rate: settings.rateLimitPerSecond,
      window: settings.rateWindow ?? 'fixed',
      calls: limited.apiCalls,
      throttled: limited.throttledCalls,
      expectedSeconds: limited.pages / settings.rateLimitPerSecond,
      measuredSeconds: limited.wallMs / 1000,
      ...(full && full.pages > 0 ? { storeMsPerPage: (full.partsMs['orders store'] ?? 0) / full.pages } : {}),
    };
  }

  const costs: BenchReport['costs'] = [];
  if (full)
    costs.push({ what: `one full resync of ${full.ordersInShop} orders`, cost: projectCost(usageOf(full, 0), input.sizing, prices) });
  for (const phase of [incremental, noChange]) {
    if (!phase) continue;
    const perRun = projectCost(usageOf(phase, 1), input.sizing, prices);
    costs.push({
      what: `a month of ${phase.phase === 'incremental' ? `incremental runs like this one (${phase.orders} orders fetched)` : 'no-change incremental runs'}, every 5 min (${RUNS_PER_MONTH_EVERY_5_MINUTES} runs)`,
      cost: scaleCost(perRun, RUNS_PER_MONTH_EVERY_5_MINUTES),
    });
  }

  if (incremental && noChange) costs.push(deepLookbackCost(incremental, noChange, usageOf(noChange, 1), input.sizing, prices));

  // The targets are the sync's own: checked on the orders runs with the daily sales off when the bench measured them
  // (what the daily sales add is reported beside, from the same run), else on the runs as they are.
  const streamsMonthWithSales = incremental && noChange ? streamsMonthOf(phases, input.sizing, prices) : undefined;
  const streamsMonthSalesOff = streamsMonthWithSales ? streamsMonthOf(phases, input.sizing, prices, { dailySalesOff: true }) : undefined;
  const streamsMonth = streamsMonthSalesOff ?? streamsMonthWithSales;
  if (streamsMonth) {
    const salesOff = streamsMonthSalesOff ? ', the sync alone (daily sales off)' : '';
    const line = (what: 'noChange' | 'changed', total: number) => ({
      name: `three streams' 5-minute incremental runs, a month, ${what === 'noChange' ? 'no change' : `${incremental!.orders} changes a run (in ${streamsMonth.changedStream}, the dearest)`}${salesOff} <= $${MONTHLY_TARGETS[what].toFixed(2)}`,
      pass: total <= MONTHLY_TARGETS[what],
      detail: `$${total.toFixed(2)} (${streamsMonth.perStream
        .map((one) => {
          const cost = what === 'changed' && one.stream === streamsMonth.changedStream ? one.changed : one.noChange;
          return `${one.stream} $${cost.total.toFixed(2)}`;
        })
        .join(' + ')})`,
    });
    checks.push(line('noChange', streamsMonth.noChange.total), line('changed', streamsMonth.changed.total));
  }

  const unchangedOff = phaseOf(phases, 'unchanged full resync, no reconciliation');
  const unchanged = phaseOf(phases, 'unchanged full resync');
  let reconciliation: BenchReport['reconciliation'];
  if (unchangedOff && unchanged) {
    const off = projectCost(usageOf(unchangedOff, 0), input.sizing, prices);
    const on = projectCost(usageOf(unchanged, 0), input.sizing, prices);
    costs.push({ what: `one full resync of the unchanged shop (${unchanged.ordersInShop} orders), reconciliation off`, cost: off });
    costs.push({ what: `one full resync of the unchanged shop (${unchanged.ordersInShop} orders), reconciliation on`, cost: on });
    reconciliation = {
      addedSeconds: (unchanged.wallMs - unchangedOff.wallMs) / 1000,
      addedCost: on.total - off.total,
      addedApiCalls: unchanged.apiCalls - unchangedOff.apiCalls,
      steps: (unchanged.invocations['sync-page'] ?? 0) - (unchangedOff.invocations['sync-page'] ?? 0),
    };
  }

  const dailySales = dailySalesCost(phases, input.sizing, prices);

  return {
    settings,
    machine: input.machine,
    phases,
    ...(dailySales ? { dailySales } : {}),
    ...(reconciliation ? { reconciliation } : {}),
    ...(small ? { smallFullResync: small } : {}),
    ...(orchestrationRatio !== undefined ? { orchestrationRatio } : {}),
    ...(inRunOrchestrationRatio !== undefined ? { inRunOrchestrationRatio } : {}),
    ...(memoryRatio ? { memoryRatio } : {}),
    checks,
    ...(rateLimit ? { rateLimit } : {}),
    costs,
    ...(streamsMonth ? { streamsMonth } : {}),
    ...(streamsMonthSalesOff && streamsMonthWithSales ? { streamsMonthWithSales } : {}),
    prices,
    sizing: input.sizing,
    notes: input.notes ?? [],
  };
}

/** What a phase used, as the cost model takes it. */
function usageOf(phase: PhaseResult, schedulerInvocations: number): RunUsage {
  return {
    transitions: phase.standardTransitions ?? phase.transitions,
    ...(phase.express ? { express: phase.express } : {}),
    ...(phase.logEvents !== undefined ? { logEvents: phase.logEvents } : {}),
    invocations: phase.invocations,
    billedMs: phase.billedMs,
    readUnits: totalUnits(phase.dynamo.readUnits),
    writeUnits: totalUnits(phase.dynamo.writeUnits),
    schedulerInvocations,
  };
}

/** The run with DAILY_SALES on against the same run off, where the bench measured both. */
function addedBy(on: PhaseResult, off: PhaseResult, what: string, sizing: Record<string, FunctionSizing>, prices: Prices): DailySalesAdded {
  const scheduled = on.phase === 'full resync' ? 0 : 1;
  const onCost = projectCost(usageOf(on, scheduled), sizing, prices);
  const offCost = projectCost(usageOf(off, scheduled), sizing, prices);
  const perRun = differenceOf(onCost, offCost);
  const steps = (phase: PhaseResult) =>
    sum(phase.invocations) - (phase.invocations['scheduled-trigger'] ?? 0) - (phase.invocations.api ?? 0);
  return {
    what,
    perRun,
    ...(scheduled ? { month: scaleCost(perRun, RUNS_PER_MONTH_EVERY_5_MINUTES) } : {}),
    lambdaSteps: steps(on) - steps(off),
    transitions: on.transitions - off.transitions,
    readUnits: totalUnits(on.dynamo.readUnits) - totalUnits(off.dynamo.readUnits),
    writeUnits: totalUnits(on.dynamo.writeUnits) - totalUnits(off.dynamo.writeUnits),
    pageStepMs: (on.billedMs['sync-page'] ?? 0) - (off.billedMs['sync-page'] ?? 0),
  };
}

function differenceOf(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  return Object.fromEntries(
    Object.keys(a).map((key) => [key, a[key as keyof CostBreakdown] - b[key as keyof CostBreakdown]]),
  ) as unknown as CostBreakdown;
}

/** The daily sales' cost: what they add to each orders run measured both ways, and the day shop's month. */
function dailySalesCost(
  phases: readonly PhaseResult[],
  sizing: Record<string, FunctionSizing>,
  prices: Prices,
): DailySalesCost | undefined {
  const pairs: Array<[PhaseName, string]> = [
    ['incremental', 'an incremental run'],
    ['no-change incremental', 'a no-change incremental run'],
    ['full resync', 'a full resync'],
  ];
  const addedIn = (dayShop?: number) =>
    pairs.flatMap(([name, what]) => {
      const on = phaseOf(phases, name, dayShop);
      const off = phaseOf(phases, DAILY_SALES_OFF[name]!, dayShop);
      if (!on || !off) return [];
      const detail =
        name === 'full resync' ? ` of ${on.ordersInShop} orders` : name === 'incremental' ? `, ${on.orders} orders changed` : '';
      return [addedBy(on, off, `${what}${detail}`, sizing, prices)];
    });
  const added = addedIn();
  const ordersPerDay = phases.find((phase) => phase.dayShop !== undefined)?.dayShop;
  let dayShop: DailySalesCost['dayShop'];
  const dayOn = ordersPerDay ? phaseOf(phases, 'incremental', ordersPerDay) : undefined;
  const dayOff = ordersPerDay ? phaseOf(phases, 'incremental, daily sales off', ordersPerDay) : undefined;
  if (ordersPerDay && dayOn && dayOff) {
    const month = (phase: PhaseResult) => scaleCost(projectCost(usageOf(phase, 1), sizing, prices), RUNS_PER_MONTH_EVERY_5_MINUTES);
    dayShop = {
      ordersPerDay,
      changes: dayOn.orders,
      on: month(dayOn),
      off: month(dayOff),
      added: addedBy(dayOn, dayOff, `an incremental run, ${dayOn.orders} orders changed`, sizing, prices),
    };
  }
  if (added.length === 0 && !dayShop) return undefined;
  return { added, ...(dayShop ? { dayShop } : {}) };
}

/**
 * Each stream's incremental runs, from its own measured phases (`phase.stream`; absent: orders) where the bench ran
 * them, otherwise assumed like the orders stream's (said in the line); then a month of them, per stream and together.
 */
export function streamsMonthOf(
  phases: readonly PhaseResult[],
  sizing: Record<string, FunctionSizing>,
  prices: Prices,
  { dailySalesOff = false }: { dailySalesOff?: boolean } = {},
): StreamsMonth | undefined {
  const runsOf = (stream: string) => {
    const ofStream = phases.filter((phase) => (phase.stream ?? 'orders') === stream && phase.dayShop === undefined);
    // The orders stream's runs with the daily sales off, when asked (the other streams keep none).
    const named = (name: PhaseName): PhaseName => (dailySalesOff && stream === 'orders' ? DAILY_SALES_OFF[name]! : name);
    const changed = ofStream.find((phase) => phase.phase === named('incremental'));
    const noChange = ofStream.find((phase) => phase.phase === named('no-change incremental'));
    return changed && noChange ? { changed: usageOf(changed, 1), noChange: usageOf(noChange, 1) } : undefined;
  };
  const orders = runsOf('orders');
  if (!orders) return undefined;
  const streams: StreamRuns[] = STREAM_NAMES.map((stream) => {
    const own = runsOf(stream);
    return { stream, ...(own ?? orders), measuredOn: own ? stream : 'orders' };
  });
  return streamsMonthlyCost(streams, sizing, prices);
}

/**
 * The deep lookback's month (its defaults: every LOOKBACK_EVERY_SECONDS, LOOKBACK_SECONDS back), from the measured
 * no-change run: it re-reads the orders changed within the lookback, taken as the measured incremental run's changes
 * per 5 minutes over the whole lookback, all unchanged by then.
 */
function deepLookbackCost(
  incremental: PhaseResult,
  noChange: PhaseResult,
  usage: RunUsage,
  sizing: Record<string, FunctionSizing>,
  prices: Prices,
): BenchReport['costs'][number] {
  const orders = incremental.orders * (LOOKBACK_SECONDS_DEFAULT / 300);
  const stateWrites = noChange.dynamo.calls.UpdateCommand ?? 0;
  const deepUsage = deepLookbackUsage(
    {
      usage,
      orders: noChange.orders,
      pages: noChange.pages,
      orderReadUnits: (noChange.dynamo.readUnits.orders ?? 0) + (noChange.dynamo.readUnits.quarantine ?? 0),
      stateWriteUnitsPerWrite: stateWrites > 0 ? (noChange.dynamo.writeUnits['sync-state'] ?? 0) / stateWrites : 0,
    },
    { orders, pageSize: noChange.pageSize },
  );
  const cost = deepLookbackMonthlyCost(
    projectCost(deepUsage, sizing, prices),
    projectCost(usage, sizing, prices),
    LOOKBACK_EVERY_SECONDS_DEFAULT,
  );
  const pages = Math.max(1, Math.ceil(orders / noChange.pageSize));
  return {
    what:
      `a month of deep lookbacks beyond the ordinary runs they replace, every ${LOOKBACK_EVERY_SECONDS_DEFAULT / 60} min reaching back ` +
      `${LOOKBACK_SECONDS_DEFAULT / 3600} h (${(30 * 86_400) / LOOKBACK_EVERY_SECONDS_DEFAULT} runs, each re-reading ${orders} unchanged orders in ${pages} pages: ` +
      `${incremental.orders} changes per 5 min)`,
    cost,
  };
}

// ---------------------------------------------------------------- printing

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`;
}

function seconds(ms: number): string {
  return ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2);
}

function usd(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : value >= 0.01 ? `$${value.toFixed(3)}` : `$${value.toFixed(5)}`;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}

function markdownTable(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

/** The phases as one table (markdown: readable in a terminal, pasted as is into the README). */
export function phaseTable(phases: readonly PhaseResult[]): string[] {
  const header = [
    'phase',
    'orders',
    'wall s',
    'orders/s',
    'API calls',
    'pages',
    'executions',
    'transitions',
    'Lambda steps',
    'RRU',
    'WRU',
    'peak RSS runner',
    'fake',
    'dynalite',
  ];
  const rows = phases.map((phase) => [
    phase.dayShop !== undefined
      ? `${phase.phase} (a day of ${phase.dayShop} orders)`
      : (phase.stream ? `${phase.stream}: ${phase.phase} (${phase.ordersInShop} in shop)` : phase.phase) +
        (!phase.stream && phase.ordersInShop !== phases[0]!.ordersInShop ? ` (${phase.ordersInShop} shop)` : ''),
    String(phase.orders),
    seconds(phase.wallMs),
    String(Math.round(phase.orders / Math.max(phase.wallMs / 1000, 0.001))),
    String(phase.apiCalls),
    String(phase.pages),
    phase.express?.executions ? `${phase.executions} (${phase.express.executions} Express)` : String(phase.executions),
    String(phase.transitions),
    String(sum(phase.invocations) - (phase.invocations['scheduled-trigger'] ?? 0) - (phase.invocations.api ?? 0)),
    String(Math.round(totalUnits(phase.dynamo.readUnits))),
    String(Math.round(totalUnits(phase.dynamo.writeUnits))),
    `${mb(phase.peakRss.runner)} (${mb(phase.runnerRssAtStart)} at start)`,
    mb(phase.peakRss.fake),
    mb(phase.peakRss.dynalite),
  ]);
  return markdownTable(header, rows);
}

/** Where each phase's time went, from the timers around the source, the stores and the Lambda steps. */
export function timeBreakdown(phase: PhaseResult): string {
  const parts = phase.partsMs;
  const share = (ms: number) => `${seconds(ms)} s (${Math.round((100 * ms) / phase.wallMs)}%)`;
  const shown: string[] = [];
  for (const part of ['source', 'orders store', 'sync-state store']) if (parts[part]) shown.push(`${part} ${share(parts[part]!)}`);
  if (parts['lambda steps'] !== undefined) {
    // The trigger function (schedule, API) runs before the first step; its store calls are counted above too.
    const functions = parts['lambda steps'] + (parts['trigger functions'] ?? 0);
    const restOfCode = functions - (parts.source ?? 0) - (parts['orders store'] ?? 0) - (parts['sync-state store'] ?? 0);
    shown.push(
      `rest of the functions' code ${share(Math.max(0, restOfCode))}`,
      `runner between steps ${share(Math.max(0, phase.wallMs - functions))}`,
    );
  }
  return `${phase.dayShop !== undefined ? `${phase.phase} (a day of ${phase.dayShop} orders)` : phase.phase}: ${shown.join(', ')}`;
}

export function renderReport(report: BenchReport): string {
  const { settings, machine } = report;
  return [
    `order-sync bench, ${machine.date} on ${machine.host} (${machine.cpus}, ${machine.memoryGb} GB, Node ${machine.node}); ` +
      `load average ${machine.loadBefore.map((load) => load.toFixed(2)).join(' ')} before, ${machine.loadAfter.map((load) => load.toFixed(2)).join(' ')} after`,
    `shop ${settings.orders} orders, page size ${settings.pageSize}, ${settings.maxPagesPerExecution} pages per execution, ` +
      `fake latency ${settings.latencyMs} ms, rate limit ${settings.rateLimitPerSecond ?? 'none'}/s; runner, fake orders API and dynalite (on disk) in separate processes`,
    '',
    ...phaseTable([...report.phases, ...(report.smallFullResync ? [report.smallFullResync] : [])]),
    '',
    ...reportFindings(report),
  ].join('\n');
}

/** One cost figure and what it is made of. */
function costLine(cost: CostBreakdown): string {
  const stepFunctions =
    cost.stepFunctionsExpress > 0
      ? `Step Functions ${usd(cost.stepFunctions + cost.stepFunctionsExpress)} (Standard ${usd(cost.stepFunctions)}, Express ${usd(cost.stepFunctionsExpress)}: ${cost.expressGbSeconds.toFixed(1)} GB-s)`
      : `Step Functions ${usd(cost.stepFunctions)}`;
  return (
    `${usd(cost.total)} = ${stepFunctions} + logs ${usd(cost.logs)} + Lambda ${usd(cost.lambdaRequests + cost.lambdaCompute)} ` +
    `(${cost.gbSeconds.toFixed(1)} GB-s) + DynamoDB ${usd(cost.dynamoReads + cost.dynamoWrites)} (reads ${usd(cost.dynamoReads)}, writes ${usd(cost.dynamoWrites)})` +
    (cost.scheduler ? ` + Scheduler ${usd(cost.scheduler)}` : '')
  );
}

function signed(value: number, digits = 0): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

function addedLine(added: DailySalesAdded): string {
  return (
    `${added.what}: ${added.perRun.total >= 0 ? '+' : '-'}${usd(Math.abs(added.perRun.total))} a run` +
    (added.month ? `, a month of 5-minute runs ${added.month.total >= 0 ? '+' : '-'}${usd(Math.abs(added.month.total))}` : '') +
    ` (${signed(added.lambdaSteps)} Lambda steps, ${signed(added.transitions)} transitions, ${signed(added.readUnits)} RRU, ` +
    `${signed(added.writeUnits)} WRU, ${signed(added.pageStepMs)} ms of page steps)`
  );
}

/** What the daily sales add, and the day shop's month. */
export function dailySalesLines(cost: DailySalesCost): string[] {
  const lines = ['  what the daily sales add (DAILY_SALES on minus off, the same runs measured side by side in this run):'];
  for (const added of cost.added) lines.push(`    ${addedLine(added)}`);
  if (cost.dayShop) {
    const { ordersPerDay, changes, on, off, added } = cost.dayShop;
    lines.push(
      `  a month of 5-minute orders runs for a shop of ${ordersPerDay} orders a day (${changes} orders changed a run, all of one day that holds ` +
        `${ordersPerDay}: the most a day's recompute reads; 8640 runs):`,
      `    with the daily sales ${costLine(on)}`,
      `    without ${costLine(off)}`,
      `    the daily sales add ${usd(added.month!.total)} a month (${Math.round((100 * added.month!.total) / off.total)}%): ${addedLine(added)}`,
    );
  }
  return lines;
}

/** Everything printed under the table: where the time goes, the ratios, the checks, the costs and the notes. */
export function reportFindings(report: BenchReport): string[] {
  const lines: string[] = [];
  lines.push('where the time goes (sums of timed calls; the steps run one at a time):');
  for (const phase of report.phases) lines.push(`  ${timeBreakdown(phase)}`);
  lines.push('');
  if (report.orchestrationRatio !== undefined)
    lines.push(
      `orchestration ratio full${report.checks.some((check) => check.name.startsWith('full (daily sales off)')) ? ' (daily sales off)' : ''} / (source only + store only): ${report.orchestrationRatio.toFixed(2)} (goal <= ${ORCHESTRATION_RATIO_GOAL})`,
    );
  if (report.inRunOrchestrationRatio !== undefined) {
    lines.push(
      `  the same inside the full resync: wall / (its source + orders store time) = ${report.inRunOrchestrationRatio.toFixed(2)} (not affected by load changing between phases)`,
    );
  }
  if (report.memoryRatio) {
    const { peakRatio, growthRatio, heapAfterGcRatio, large, small } = report.memoryRatio;
    lines.push(
      `runner peak RSS of the full resync, ${large} vs ${small} orders: ${peakRatio.toFixed(2)}x (goal <= ${MEMORY_RATIO_GOAL}x); growth during the run ${growthRatio.toFixed(2)}x` +
        (heapAfterGcRatio ? `; live heap after GC ${heapAfterGcRatio.toFixed(2)}x` : ''),
    );
  }
  if (report.rateLimit) {
    const { rate, window, calls, throttled, expectedSeconds, measuredSeconds, storeMsPerPage } = report.rateLimit;
    lines.push(
      `rate limit ${rate}/s (${window} window): pages / rate = ${expectedSeconds.toFixed(1)} s; measured ${measuredSeconds.toFixed(1)} s ` +
        `(${(measuredSeconds / expectedSeconds).toFixed(2)}x) for ${calls} API calls, ${throttled} answered 429 (${(calls / measuredSeconds).toFixed(2)} calls/s of the ${rate} allowed)` +
        (storeMsPerPage !== undefined
          ? `; storing a page took ${Math.round(storeMsPerPage)} ms (read ahead, the walk keeps the pace while that stays under ${Math.round(1000 / rate)} ms)`
          : ''),
    );
  }
  for (const check of report.checks) lines.push(`${check.pass ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`);
  lines.push('', 'projected AWS cost (Lambda durations as measured here, memory sizes from the synthesized stack):');
  for (const { what, cost } of report.costs) lines.push(`  ${what}: ${costLine(cost)}`);
  if (report.streamsMonth) {
    const { perStream, noChange, changedIn, changedStream } = report.streamsMonth;
    lines.push('  a month of 5-minute incremental runs (8640 each), per stream:');
    for (const one of perStream) {
      const source = one.measuredOn === one.stream ? 'measured' : `assumed: the ${one.measuredOn} stream's measured runs`;
      lines.push(`    ${one.stream} (${source}): no change ${costLine(one.noChange)}`);
      lines.push(`    ${one.stream}: with changes ${costLine(one.changed)}`);
    }
    const alone = report.streamsMonthWithSales ? ', the sync alone (daily sales off)' : '';
    lines.push(
      `  the three streams together${alone}, no change: ${costLine(noChange)} (target <= $${MONTHLY_TARGETS.noChange.toFixed(2)})`,
    );
    for (const { stream, cost } of changedIn ?? []) {
      const target = stream === changedStream ? ` (the dearest: target <= $${MONTHLY_TARGETS.changed.toFixed(2)})` : '';
      lines.push(`  the three streams together${alone}, the changes in ${stream}, the others unchanged: ${costLine(cost)}${target}`);
    }
  }
  if (report.streamsMonthWithSales) {
    const { noChange, changed, changedStream } = report.streamsMonthWithSales;
    lines.push(
      `  the three streams together with the daily sales on (above: the sync alone, the targets' measure), no change: ${costLine(noChange)}`,
      `  the three streams together with the daily sales on, the changes in ${changedStream}: ${costLine(changed)}`,
    );
  }
  if (report.dailySales) lines.push(...dailySalesLines(report.dailySales));
  if (report.reconciliation) {
    const { addedSeconds, addedCost, addedApiCalls, steps } = report.reconciliation;
    lines.push(
      `  reconciliation adds to a full resync of the unchanged shop: ${addedSeconds.toFixed(1)} s, ${usd(addedCost)}, ` +
        `${addedApiCalls} source requests, ${steps} steps`,
    );
  }
  lines.push(
    `  function sizes: ${Object.entries(report.sizing)
      .map(([name, size]) => `${name} ${size.memoryMb} MB ${size.architecture}`)
      .join(', ')}`,
    ...describePrices(report.prices).map((line) => `  ${line}`),
  );
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines;
}
