// The bench's arithmetic: billed state transitions from an execution's history, the source calls a run needs,
// and the projected cost from counted usage at the printed prices.
import {
  deepLookbackMonthlyCost,
  deepLookbackUsage,
  expressBilledMs,
  MONTHLY_TARGETS,
  projectCost,
  RUNS_PER_MONTH_EVERY_5_MINUTES,
  scaleCost,
  streamsMonthlyCost,
  US_EAST_1_PRICES,
  type Prices,
  type RunUsage,
} from '../../bench/cost';
import type { PhaseResult } from '../../bench/phases';
import { billedUsage, stateTransitions } from '../../bench/phases';
import { buildReport, expectedSourceCalls, reportFindings, type BenchSettings, type Machine } from '../../bench/report';

const at = new Date(0);
const event = (type: string) => ({ id: 0, previousEventId: 0, type, timestamp: at });

describe('state transitions as Step Functions bills them', () => {
  it('counts every state entered, and each retry of a Task once more', () => {
    const history = [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited', // Begin
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited', // a retried page
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ].map(event);

    expect(stateTransitions({ events: history })).toBe(4 + 1);
  });
});

describe('source calls a run needs', () => {
  it('is one per page, and one for a window with nothing in it (the empty last page ends the walk)', () => {
    expect(expectedSourceCalls(0, 250)).toBe(1);
    expect(expectedSourceCalls(100, 250)).toBe(1);
    expect(expectedSourceCalls(250, 250)).toBe(1);
    expect(expectedSourceCalls(251, 250)).toBe(2);
  });
});

describe('projected cost', () => {
  const prices: Prices = {
    source: 'test prices',
    stepFunctionsPerTransition: 0.001,
    expressPerRequest: 0.002,
    expressPerGbSecond: 0.4,
    expressMemoryMb: 64,
    logsPerGbIngested: 1_000,
    logBytesPerEvent: 500,
    lambdaPerRequest: 0.01,
    lambdaPerGbSecond: { arm64: 1, x86_64: 2 },
    dynamoPerWriteUnit: 0.1,
    dynamoPerReadUnit: 0.05,
    schedulerPerInvocation: 0.5,
  };
  const sizing = {
    'sync-page': { logicalId: 'SyncPage', memoryMb: 1024, architecture: 'arm64' as const },
    begin: { logicalId: 'Begin', memoryMb: 256, architecture: 'x86_64' as const },
  };

  it('adds transitions, requests, GB-seconds at each function size and architecture, read and write units', () => {
    const cost = projectCost(
      {
        transitions: 10,
        invocations: { 'sync-page': 4, begin: 1 },
        billedMs: { 'sync-page': 2000, begin: 1000 },
        readUnits: 20,
        writeUnits: 30,
        schedulerInvocations: 2,
      },
      sizing,
      prices,
    );

    expect(cost.stepFunctions).toBeCloseTo(0.01);
    expect(cost.lambdaRequests).toBeCloseTo(0.05);
    expect(cost.gbSeconds).toBeCloseTo(2 + 0.25);
    expect(cost.lambdaCompute).toBeCloseTo(2 * 1 + 0.25 * 2);
    expect(cost.dynamoReads).toBeCloseTo(1);
    expect(cost.dynamoWrites).toBeCloseTo(3);
    expect(cost.scheduler).toBeCloseTo(1);
    expect(cost.total).toBeCloseTo(0.01 + 0.05 + 2.5 + 1 + 3 + 1);
    expect(scaleCost(cost, 10).total).toBeCloseTo(cost.total * 10);
  });

  it('prices Express executions per request and per GB-second at its 64 MB, and the events the machines log', () => {
    const cost = projectCost(
      {
        transitions: 0,
        express: { executions: 2, billedMs: 3_000 },
        logEvents: 40,
        invocations: {},
        billedMs: {},
        readUnits: 0,
        writeUnits: 0,
        schedulerInvocations: 0,
      },
      sizing,
      prices,
    );

    expect(cost.stepFunctions).toBe(0);
    expect(cost.expressGbSeconds).toBeCloseTo(3 * (64 / 1024));
    expect(cost.stepFunctionsExpress).toBeCloseTo(2 * 0.002 + 3 * (64 / 1024) * 0.4);
    expect(cost.logs).toBeCloseTo(((40 * 500) / 1e9) * 1_000);
    expect(cost.total).toBeCloseTo(cost.stepFunctionsExpress + cost.logs);
  });

  it('bills an Express execution by the 100 ms, at least one', () => {
    expect(expressBilledMs(0)).toBe(100);
    expect(expressBilledMs(100)).toBe(100);
    expect(expressBilledMs(101)).toBe(200);
    expect(expressBilledMs(2_345)).toBe(2_400);
  });

  it('counts transitions of the Standard executions only, Express ones by their requests and duration, and every event as logged', () => {
    const events = [
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ].map(event);
    const startDate = new Date(1_000);
    const chain = [
      { type: 'EXPRESS' as const, events, startDate, stopDate: new Date(1_000 + 1_234) },
      { type: 'STANDARD' as const, events, startDate, stopDate: new Date(1_000 + 60_000) },
    ];

    expect(billedUsage(chain)).toEqual({
      transitions: 2,
      standardTransitions: 1,
      express: { executions: 1, billedMs: 1_300 },
      logEvents: 14,
    });
  });

  it('refuses a function whose memory size it does not know, rather than pricing it at zero', () => {
    expect(() =>
      projectCost(
        { transitions: 0, invocations: { commit: 1 }, billedMs: { commit: 5 }, readUnits: 0, writeUnits: 0, schedulerInvocations: 0 },
        sizing,
        prices,
      ),
    ).toThrow('no memory size known for function commit');
  });
});

describe('the deep lookback’s cost', () => {
  const prices: Prices = {
    source: 'test prices',
    stepFunctionsPerTransition: 0.001,
    expressPerRequest: 0.002,
    expressPerGbSecond: 0.4,
    expressMemoryMb: 64,
    logsPerGbIngested: 1_000,
    logBytesPerEvent: 500,
    lambdaPerRequest: 0.01,
    lambdaPerGbSecond: { arm64: 1, x86_64: 1 },
    dynamoPerWriteUnit: 0.1,
    dynamoPerReadUnit: 0.05,
    schedulerPerInvocation: 0.5,
  };
  const sizing = {
    begin: { logicalId: 'Begin', memoryMb: 1024, architecture: 'arm64' as const },
    'sync-page': { logicalId: 'SyncPage', memoryMb: 1024, architecture: 'arm64' as const },
    commit: { logicalId: 'Commit', memoryMb: 1024, architecture: 'arm64' as const },
  };
  /** A measured no-change run: one page of 100 unchanged orders. */
  const measured = {
    usage: {
      transitions: 6,
      invocations: { begin: 1, 'sync-page': 1, commit: 1 },
      billedMs: { begin: 10, 'sync-page': 20, commit: 10 },
      readUnits: 203,
      writeUnits: 12,
      schedulerInvocations: 1,
    },
    orders: 100,
    pages: 1,
    orderReadUnits: 200,
    stateWriteUnitsPerWrite: 2,
  };

  it('re-reads the lookback’s orders: per order what the measured run spent, per extra page one step, 2 transitions and 2 state writes', () => {
    const usage = deepLookbackUsage(measured, { orders: 1_000, pageSize: 250 });

    expect(usage).toEqual({
      transitions: 6 + 2 * 3,
      logEvents: 7 * 3,
      invocations: { begin: 1, 'sync-page': 4, commit: 1 },
      billedMs: { begin: 10, 'sync-page': 20 + 0.2 * 900, commit: 10 },
      readUnits: 203 + 2 * 900,
      writeUnits: 12 + 2 * 2 * 3,
      schedulerInvocations: 1,
    });
  });

  it('measured on Express, the extra pages run on the Standard machine it hands over to: its own part and its pages billed', () => {
    const onExpress = {
      ...measured,
      usage: { ...measured.usage, transitions: 0, express: { executions: 1, billedMs: 400 }, logEvents: 32 },
    };

    const usage = deepLookbackUsage(onExpress, { orders: 1_000, pageSize: 250 });

    expect(usage.transitions).toBe(2 * 3 + 5);
    expect(usage.logEvents).toBe(32 + 7 * 3 + 18);
    expect(usage.express).toEqual({ executions: 1, billedMs: 400 });
  });

  it('costs per month what each deep run adds over the ordinary run it replaces, once per period', () => {
    const ordinary = projectCost(measured.usage, sizing, prices);
    const deep = projectCost(deepLookbackUsage(measured, { orders: 1_000, pageSize: 250 }), sizing, prices);

    const month = deepLookbackMonthlyCost(deep, ordinary, 3_600);

    expect(month.total).toBeCloseTo((deep.total - ordinary.total) * 720);
    expect(month.dynamoReads).toBeCloseTo(1_800 * 0.05 * 720);
    expect(month.scheduler).toBe(0);
  });

  it('is printed beside the other cost lines, from the measured incremental and no-change runs', () => {
    const phase = (name: 'incremental' | 'no-change incremental', counts: Record<string, number>) =>
      ({
        phase: name,
        orders: 100,
        pageSize: 250,
        pages: 1,
        apiCalls: 2,
        wallMs: 1_000,
        partsMs: {},
        counts: { fetched: 100, inserted: 0, updated: 0, unchanged: 0, stale: 0, quarantined: 0, ...counts },
        transitions: 6,
        invocations: { begin: 1, 'sync-page': 1, commit: 1 },
        billedMs: { begin: 10, 'sync-page': 20, commit: 10 },
        dynamo: {
          calls: { UpdateCommand: 6 },
          readUnits: { 'sync-state': 3, orders: 100, quarantine: 100 },
          writeUnits: { 'sync-state': 12 },
          itemsWritten: 0,
          keysRead: 200,
        },
      }) as unknown as PhaseResult;

    const report = buildReport({
      settings: { orders: 300_000, pageSize: 250 } as BenchSettings,
      machine: {} as Machine,
      phases: [phase('incremental', { updated: 100 }), phase('no-change incremental', { unchanged: 100 })],
      sizing,
      prices,
    });

    const lines = reportFindings(report).filter((line) => line.includes('a month of'));
    expect(lines).toHaveLength(4); // the orders stream's three, and the streams' month
    expect(lines[2]).toMatch(
      /^ {2}a month of deep lookbacks beyond the ordinary runs they replace, every 60 min reaching back 24 h \(720 runs, each re-reading 28800 unchanged orders in 116 pages: 100 changes per 5 min\): \$[\d,.]+ = Step Functions/,
    );
    const deep = report.costs.find((cost) => cost.what.startsWith('a month of deep lookbacks'))!;
    expect(deep.cost.total).toBeGreaterThan(0);
  });
});

describe("a month of the three streams' incremental runs", () => {
  const sizing = {
    begin: { logicalId: 'Begin', memoryMb: 1024, architecture: 'arm64' as const },
    'sync-page': { logicalId: 'SyncPage', memoryMb: 1024, architecture: 'arm64' as const },
    commit: { logicalId: 'Commit', memoryMb: 1024, architecture: 'arm64' as const },
  };
  const run = (writeUnits: number): RunUsage => ({
    transitions: 0,
    express: { executions: 1, billedMs: 500 },
    logEvents: 32,
    invocations: { begin: 1, 'sync-page': 2, commit: 1 },
    billedMs: { begin: 20, 'sync-page': 60, commit: 20 },
    readUnits: 200,
    writeUnits,
    schedulerInvocations: 1,
  });
  const month = (usage: RunUsage) => projectCost(usage, sizing, US_EAST_1_PRICES).total * RUNS_PER_MONTH_EVERY_5_MINUTES;

  it("adds each stream's month; with changes, each stream's changed runs beside the others' unchanged ones, the dearest checked", () => {
    const streams = ['orders', 'products', 'customers'].map((stream) => ({
      stream,
      noChange: run(16),
      changed: run(stream === 'products' ? 416 : 216),
      measuredOn: stream,
    }));

    const result = streamsMonthlyCost(streams, sizing, US_EAST_1_PRICES);

    expect(result.perStream.map((one) => one.noChange.total)).toEqual(
      [month(run(16)), month(run(16)), month(run(16))].map((value) => expect.closeTo(value, 9)),
    );
    expect(result.noChange.total).toBeCloseTo(3 * month(run(16)), 9);
    expect(result.changedIn.map((one) => [one.stream, one.cost.total])).toEqual([
      ['orders', expect.closeTo(month(run(216)) + 2 * month(run(16)), 9)],
      ['products', expect.closeTo(month(run(416)) + 2 * month(run(16)), 9)],
      ['customers', expect.closeTo(month(run(216)) + 2 * month(run(16)), 9)],
    ]);
    expect(result.changedStream).toBe('products');
    expect(result.changed.total).toBeCloseTo(month(run(416)) + 2 * month(run(16)), 9);
    expect(result.changed.dynamoWrites).toBeCloseTo(
      (416 + 2 * 16) * RUNS_PER_MONTH_EVERY_5_MINUTES * US_EAST_1_PRICES.dynamoPerWriteUnit,
      9,
    );
    expect(() => streamsMonthlyCost([], sizing)).toThrow('no stream runs to cost');
  });

  const phase = (name: 'incremental' | 'no-change incremental', writeUnits: number, stream?: string) =>
    ({
      phase: name,
      ...(stream ? { stream } : {}),
      orders: 100,
      pageSize: 250,
      pages: 1,
      apiCalls: 2,
      wallMs: 500,
      partsMs: {},
      counts: { fetched: 100, inserted: 0, updated: name === 'incremental' ? 100 : 0, unchanged: 0, stale: 0, quarantined: 0 },
      transitions: 9,
      standardTransitions: 0,
      express: { executions: 1, billedMs: 500 },
      logEvents: 32,
      invocations: { begin: 1, 'sync-page': 2, commit: 1 },
      billedMs: { begin: 20, 'sync-page': 60, commit: 20 },
      dynamo: {
        calls: { UpdateCommand: 3 },
        readUnits: { orders: 200 },
        writeUnits: { 'sync-state': writeUnits },
        itemsWritten: 0,
        keysRead: 200,
      },
    }) as unknown as PhaseResult;
  const reportOf = (phases: PhaseResult[]) =>
    buildReport({
      settings: { orders: 3_000, pageSize: 250 } as BenchSettings,
      machine: {} as Machine,
      phases,
      sizing,
      prices: US_EAST_1_PRICES,
    });

  it('takes products and customers as the orders stream measured them until the bench measures their own, and says so', () => {
    const report = reportOf([phase('incremental', 216), phase('no-change incremental', 16)]);
    const lines = reportFindings(report);

    expect(report.streamsMonth!.perStream.map((one) => [one.stream, one.measuredOn])).toEqual([
      ['orders', 'orders'],
      ['products', 'orders'],
      ['customers', 'orders'],
    ]);
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}orders \(measured\): no change \$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}products \(assumed: the orders stream's measured runs\): no change \$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}the three streams together, no change: \$[\d.]+ = Step Functions \$[\d.]+ \(Standard \$0\.0+, Express /),
    );
    expect(lines).toContainEqual(expect.stringContaining(`(the dearest: target <= $${MONTHLY_TARGETS.changed.toFixed(2)})`));
  });

  it("uses a stream's own measured runs when the bench ran them", () => {
    const report = reportOf([
      phase('incremental', 216),
      phase('no-change incremental', 16),
      phase('incremental', 1_000, 'products'),
      phase('no-change incremental', 500, 'products'),
    ]);

    const products = report.streamsMonth!.perStream.find((one) => one.stream === 'products')!;
    const orders = report.streamsMonth!.perStream.find((one) => one.stream === 'orders')!;
    expect(products.measuredOn).toBe('products');
    expect(products.noChange.dynamoWrites).toBeCloseTo(orders.noChange.dynamoWrites * (500 / 16), 9);
  });

  it('passes the targets only at or under $1.60 (no change) and $2.54 (with changes), and fails above', () => {
    const cheap = reportOf([phase('incremental', 216), phase('no-change incremental', 16)]);
    // Enough writes a run to cost more than the targets: 1,000 WRU a run is $5.40 a month per stream.
    const dear = reportOf([phase('incremental', 1_000), phase('no-change incremental', 1_000)]);
    const verdicts = (report: typeof cheap) =>
      report.checks.filter((check) => check.name.startsWith("three streams'")).map((check) => check.pass);

    expect(verdicts(cheap)).toEqual([true, true]);
    expect(verdicts(dear)).toEqual([false, false]);
    expect(cheap.checks.find((check) => check.name.includes('no change'))!.name).toContain('<= $1.60');
  });
});

describe('what the daily sales add', () => {
  const sizing = {
    begin: { logicalId: 'Begin', memoryMb: 1024, architecture: 'arm64' as const },
    'sync-page': { logicalId: 'SyncPage', memoryMb: 1024, architecture: 'arm64' as const },
    commit: { logicalId: 'Commit', memoryMb: 1024, architecture: 'arm64' as const },
  };
  const phase = (name: PhaseResult['phase'], steps: number, units: { read: number; write: number }, dayShop?: number) =>
    ({
      phase: name,
      ...(dayShop ? { dayShop } : {}),
      orders: 100,
      ordersInShop: 1000,
      pageSize: 250,
      pages: 1,
      apiCalls: 2,
      wallMs: 1_000,
      partsMs: {},
      transitions: 0,
      express: { executions: 1, billedMs: 100 * steps },
      logEvents: 7 * steps,
      invocations: { begin: 1, 'sync-page': steps, commit: 1 },
      billedMs: { begin: 10, 'sync-page': 100 * steps, commit: 10 },
      dynamo: { calls: {}, readUnits: { orders: units.read }, writeUnits: { orders: units.write }, itemsWritten: 0, keysRead: 0 },
    }) as unknown as PhaseResult;

  it("measures the orchestration's overhead on the full resync with the daily sales off, which does what source and store alone do", () => {
    const timed = (name: PhaseResult['phase'], wallMs: number) => ({ ...phase(name, 2, { read: 0, write: 0 }), wallMs }) as PhaseResult;
    const report = buildReport({
      settings: { orders: 1000, pageSize: 250 } as BenchSettings,
      machine: {} as Machine,
      phases: [
        timed('source only', 1_000),
        timed('store only', 1_000),
        timed('full resync', 9_000),
        timed('full resync, daily sales off', 2_200),
      ],
      sizing,
    });

    expect(report.orchestrationRatio).toBeCloseTo(1.1, 9);
    expect(report.checks.find((check) => check.name.startsWith('full'))).toMatchObject({
      name: 'full (daily sales off) / (source only + store only) <= 1.15',
      pass: true,
    });
  });

  it('prices each run with DAILY_SALES on against the same run off, a month of 5-minute runs, and the day shop apart', () => {
    const report = buildReport({
      settings: { orders: 1000, pageSize: 250 } as BenchSettings,
      machine: {} as Machine,
      phases: [
        phase('full resync', 6, { read: 5000, write: 4000 }),
        phase('incremental', 3, { read: 600, write: 700 }),
        phase('no-change incremental', 2, { read: 200, write: 20 }),
        phase('full resync, daily sales off', 5, { read: 2000, write: 2000 }),
        phase('incremental, daily sales off', 2, { read: 400, write: 200 }),
        phase('no-change incremental, daily sales off', 2, { read: 200, write: 20 }),
        phase('incremental', 3, { read: 1300, write: 40 }, 1000),
        phase('incremental, daily sales off', 2, { read: 20, write: 25 }, 1000),
      ],
      sizing,
    });

    const added = report.dailySales!.added;
    expect(added.map((one) => one.what)).toEqual([
      'an incremental run, 100 orders changed',
      'a no-change incremental run',
      'a full resync of 1000 orders',
    ]);
    expect(added[0]).toMatchObject({ lambdaSteps: 1, readUnits: 200, writeUnits: 500, pageStepMs: 100 });
    expect(added[0]!.month!.total).toBeCloseTo(added[0]!.perRun.total * 8640, 10);
    expect(added[1]!.perRun.total).toBeCloseTo(0, 10);
    expect(added[2]!.month).toBeUndefined();
    // The day shop's runs are its own: neither the bench shop's pairs nor the three streams' month take them.
    expect(report.dailySales!.dayShop).toMatchObject({ ordersPerDay: 1000, changes: 100, added: { readUnits: 1280, writeUnits: 15 } });
    expect(report.dailySales!.dayShop!.on.total - report.dailySales!.dayShop!.off.total).toBeCloseTo(
      report.dailySales!.dayShop!.added.month!.total,
      10,
    );
    // The three streams' targets are checked on the sync alone (the orders runs with the daily sales off); the month
    // with them on is printed beside.
    const withSales = report.streamsMonthWithSales!.perStream.find((one) => one.stream === 'orders')!;
    const alone = report.streamsMonth!.perStream.find((one) => one.stream === 'orders')!;
    expect(withSales.changed.dynamoWrites / alone.changed.dynamoWrites).toBeCloseTo(700 / 200, 9);
    expect(report.checks.filter((check) => check.name.startsWith("three streams'")).map((check) => check.name)).toEqual([
      expect.stringContaining('no change, the sync alone (daily sales off) <= $1.60'),
      expect.stringContaining('the sync alone (daily sales off) <= $2.54'),
    ]);
    const printed = reportFindings(report).join('\n');
    expect(printed).toContain('the three streams together with the daily sales on, the changes in orders: $');
    expect(printed).toContain('what the daily sales add (DAILY_SALES on minus off');
    expect(printed).toMatch(
      /an incremental run, 100 orders changed: \+\$[\d.]+ a run, a month of 5-minute runs \+\$[\d.]+ \(\+1 Lambda steps/,
    );
    expect(printed).toMatch(/a month of 5-minute orders runs for a shop of 1000 orders a day/);
  });
});
