// The bench's arithmetic: billed state transitions from an execution's history, the source calls a run needs,
// and the projected cost from counted usage at the printed prices.
import { deepLookbackMonthlyCost, deepLookbackUsage, projectCost, scaleCost, type Prices } from '../../bench/cost';
import type { PhaseResult } from '../../bench/phases';
import { stateTransitions } from '../../bench/phases';
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
      invocations: { begin: 1, 'sync-page': 4, commit: 1 },
      billedMs: { begin: 10, 'sync-page': 20 + 0.2 * 900, commit: 10 },
      readUnits: 203 + 2 * 900,
      writeUnits: 12 + 2 * 2 * 3,
      schedulerInvocations: 1,
    });
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
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatch(
      /^ {2}a month of deep lookbacks beyond the ordinary runs they replace, every 60 min reaching back 24 h \(720 runs, each re-reading 28800 unchanged orders in 116 pages: 100 changes per 5 min\): \$[\d,.]+ = Step Functions/,
    );
    const deep = report.costs.find((cost) => cost.what.startsWith('a month of deep lookbacks'))!;
    expect(deep.cost.total).toBeGreaterThan(0);
  });
});
