// The bench at smoke size, in one process: the five phases against the in-process local stack, then the
// report's verdicts. The done criteria hold here too: an incremental run of fewer than a page of changes costs
// one source call, and so does a run where nothing changed. (Timings are printed by `npm run bench`, not checked.)
import { createDynamoClient } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/tables';
import { metrics } from '../../functions/metrics';
import { localTemplate } from '../../local/aws/stack';
import { definitionFromTemplate, LOCAL_REGION } from '../../local/aws/state-machine/definition';
import { functionSizing } from '../../bench/cost';
import { totalUnits } from '../../bench/instrument';
import {
  fakeControlOf,
  FUNCTION_METERS,
  HISTORY_ENDS_BEFORE_START_MS,
  PhaseMeter,
  sourceOnly,
  storeOnly,
  syncPhases,
  type PhaseResult,
} from '../../bench/phases';
import { buildReport, renderReport, type BenchReport } from '../../bench/report';
import { contributionOf, dailySalesOf } from '../../functions/core/analytics/daily-sales';
import type { Order } from '../../functions/core/order';
import { DAYS_PER_STEP } from '../../functions/core/use-cases/recompute-step';
import { validateOrder } from '../../functions/core/validate-order';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

// Four pages: the full resync still hands over once (two executions) and reconciliation still checks page by page.
const ORDERS = 1_000;
const PAGE_SIZE = 250;
const PAGES_PER_EXECUTION = 5;
const CHANGED = 100;
/** The other streams' records: each is synced after the orders and its incremental runs measured. */
const OTHER_STREAMS = { products: 200, customers: 300 };
const STORE_ONLY_TABLES = {
  ordersTable: 'bench-store-only-orders',
  productsTable: 'bench-store-only-products',
  customersTable: 'bench-store-only-customers',
  syncStateTable: 'bench-store-only-sync',
  quarantineTable: 'bench-store-only-quarantine',
};

/** The source's orders as served now (the daily sales count in UTC, the default shop zone). */
function sourceOrders(stack: E2eStack): Order[] {
  return stack.fake.truth().map((version) => validateOrder(stack.fake.order(version.id)));
}

/** The days an order version counts in. */
function salesDaysOf(order: Order): string[] {
  return contributionOf(order, 'UTC').map(({ day }) => day);
}

/** The daily sales' recompute phase for these touched days: DAYS_PER_STEP days a step, and one that finds none. */
function salesSteps(days: ReadonlySet<string>): number {
  return Math.max(1, Math.ceil(days.size / DAYS_PER_STEP));
}

describe('the bench at smoke size', () => {
  let stack: E2eStack;
  let meter: PhaseMeter;
  let phases: PhaseResult[];
  let report: BenchReport;
  /** The source's orders before any run (what the full resync stores). */
  let initialOrders: Order[];

  beforeAll(async () => {
    metrics.divertTo(() => undefined);
    meter = new PhaseMeter({ ordersInShop: ORDERS, pageSize: PAGE_SIZE });
    stack = await startE2eStack({
      // The triggers' path (syncPhases' startDeps) runs in this process, as the operator's.
      inProcessHandlers: true,
      fake: { orders: ORDERS, ...OTHER_STREAMS, seed: 11, historyEndsAtMs: Date.now() - HISTORY_ENDS_BEFORE_START_MS },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION), STREAMS: 'orders,products,customers' },
      hooks: meter.invocations.hooks,
      functionPreload: FUNCTION_METERS,
    });
    meter.attach(stack.functions);
    const client = createDynamoClient({ region: LOCAL_REGION, endpoint: stack.dynamodbEndpoint });
    await ensureTables(client, STORE_ONLY_TABLES);
    client.destroy();

    initialOrders = sourceOrders(stack);
    const fake = fakeControlOf(stack.fake!);
    phases = [
      await sourceOnly(meter, fake, PAGE_SIZE),
      await storeOnly(meter, fake, {
        pageSize: PAGE_SIZE,
        dynamodbEndpoint: stack.dynamodbEndpoint,
        ordersTable: STORE_ONLY_TABLES.ordersTable,
      }),
      ...(await syncPhases(meter, stack, fake, { pageSize: PAGE_SIZE, changedOrders: CHANGED, otherStreams: OTHER_STREAMS })),
    ];
    const template = localTemplate();
    report = buildReport({
      settings: {
        orders: ORDERS,
        pageSize: PAGE_SIZE,
        maxPagesPerExecution: PAGES_PER_EXECUTION,
        latencyMs: 0,
        rateLimitPerSecond: null,
        changedOrders: CHANGED,
        memorySmallOrders: 0,
      },
      machine: {
        date: new Date().toISOString(),
        host: 'test',
        cpus: '-',
        memoryGb: 0,
        node: process.version,
        loadBefore: [0],
        loadAfter: [0],
      },
      phases,
      sizing: functionSizing(template, definitionFromTemplate(template).definition as never),
    });
    // Thirteen phases, five of them full resyncs: minutes on a loaded machine.
  }, 400_000);
  afterAll(async () => {
    meter?.close();
    metrics.divertTo(undefined);
    await stack?.stop();
  });

  const phase = (name: PhaseResult['phase'], stream?: string) =>
    phases.find((result) => result.phase === name && result.stream === stream)!;

  it('walks every page of the source once, writing nothing', () => {
    expect(phase('source only')).toMatchObject({ orders: ORDERS, pages: ORDERS / PAGE_SIZE, apiCalls: ORDERS / PAGE_SIZE, executions: 0 });
    expect(phase('source only').dynamo.calls).toEqual({});
  });

  it('writes every order through the store alone, with the capacity DynamoDB would bill', () => {
    const store = phase('store only');
    expect(store).toMatchObject({ orders: ORDERS, pages: ORDERS / PAGE_SIZE });
    expect(store.dynamo.itemsWritten).toBe(ORDERS);
    expect(store.dynamo.keysRead).toBe(ORDERS);
    // Consistent reads of items under 4 KB: one read unit per key; every order item is at least one write unit.
    expect(totalUnits(store.dynamo.readUnits)).toBe(ORDERS);
    expect(totalUnits(store.dynamo.writeUnits)).toBeGreaterThanOrEqual(ORDERS);
    expect(store.partsMs.source).toBeUndefined();
  });

  it('runs the full resync as a chain of executions, counting its transitions and Lambda steps', () => {
    const full = phase('full resync');
    const pages = ORDERS / PAGE_SIZE;
    // After the pages: one page of the (empty) deletion feed, one reconciliation step (every order is this run's), and
    // the daily sales' recompute of every day the shop's orders count in.
    const sales = dailySalesOf(initialOrders, 'UTC');
    // Some hundreds of days over the fake's two years: one step of DAYS_PER_STEP, or two.
    const recompute = salesSteps(new Set([...sales.values()].map((row) => row.day)));
    const steps = pages + 2 + recompute;
    const executions = Math.ceil(steps / PAGES_PER_EXECUTION);
    // The recompute's first step runs in the reconciliation step's invocation, unless that one filled its execution.
    const invocations = steps - ((pages + 2) % PAGES_PER_EXECUTION === 0 ? 0 : 1);
    expect(full).toMatchObject({ orders: ORDERS, pages, executions, apiCalls: pages + 2 }); // + the count for the ETA, + the feed
    expect(full.counts).toMatchObject({ inserted: ORDERS, updated: 0, deleted: 0 });
    expect(full.invocations).toEqual({ api: 1, begin: executions, 'sync-page': invocations, commit: 1 });
    // Per invocation SyncPage + MorePages?; per execution Begin + Skipped?; ContinueAsNew + HandedOver per hand-over;
    // Commit + AnyNewlyQuarantined? + Done.
    expect(full.transitions).toBe(2 * invocations + 2 * executions + 2 * (executions - 1) + 3);
    // Each order, an entry per day it counts in, a row per day and currency.
    const entries = initialOrders.reduce((sum, order) => sum + salesDaysOf(order).length, 0);
    expect(full.dynamo.itemsWritten).toBe(ORDERS + entries + sales.size);
  });

  it('reports what reconciliation adds to a full resync of the unchanged shop: one existence check per 250 orders', () => {
    const off = phase('unchanged full resync, no reconciliation');
    const on = phase('unchanged full resync');
    expect(off.counts).toMatchObject({ unchanged: ORDERS, deleted: 0 });
    expect(on.counts).toMatchObject({ unchanged: ORDERS, deleted: 0 });
    expect(report.reconciliation).toMatchObject({ addedApiCalls: ORDERS / PAGE_SIZE });
    expect(report.reconciliation!.steps).toBeGreaterThanOrEqual(ORDERS / PAGE_SIZE);
    expect(on.dynamo.calls).toMatchObject({ ScanCommand: expect.any(Number) });
    expect(off.dynamo.calls.ScanCommand).toBeUndefined();
    expect(renderReport(report)).toMatch(/reconciliation adds to a full resync of the unchanged shop: -?\d+\.\d s, \$/);
  });

  it('costs one source call for an incremental run of fewer changes than a page, and one when nothing changed', () => {
    // The window holds exactly the changed orders; the next run re-reads them from its overlap, unchanged.
    // Two calls: the page and the deletion feed's page.
    // Then the recompute of the days the changed orders leave or enter: the hundred oldest orders touch days all over
    // the shop's history, DAYS_PER_STEP of them a step.
    const before = new Map(initialOrders.map((order) => [order.id, order]));
    const touched = new Set<string>();
    for (const order of sourceOrders(stack)) {
      const was = before.get(order.id)!;
      if (was.updatedAt === order.updatedAt) continue;
      for (const day of [...salesDaysOf(was), ...salesDaysOf(order)]) touched.add(day);
    }
    const incrementalSteps = 2 + salesSteps(touched);
    // The recompute's first step runs in the deletion feed step's invocation.
    expect(phase('incremental').invocations['sync-page']).toBe(incrementalSteps - 1);
    expect(phase('incremental')).toMatchObject({
      orders: CHANGED,
      apiCalls: 2,
      pages: 1,
      executions: Math.ceil(incrementalSteps / PAGES_PER_EXECUTION),
    });
    expect(phase('incremental').counts).toMatchObject({ updated: CHANGED, inserted: 0, unchanged: 0 });
    // Nothing changed: one recompute step that finds no day, in the deletion feed step's invocation; nothing written.
    expect(phase('no-change incremental').invocations['sync-page']).toBe(2);
    expect(phase('no-change incremental')).toMatchObject({ orders: CHANGED, apiCalls: 2, pages: 1, executions: 1 });
    expect(phase('no-change incremental').counts).toMatchObject({ updated: 0, inserted: 0, unchanged: CHANGED });
    expect(phase('no-change incremental').dynamo.itemsWritten).toBe(0);

    const callChecks = report.checks.filter((check) => check.name.includes('source call'));
    expect(callChecks).toHaveLength(6); // two runs of each stream
    expect(callChecks.every((check) => check.pass)).toBe(true);
  });

  it('reports the orchestration ratio and projects a cost for the full resync and a month of incremental runs', () => {
    expect(report.orchestrationRatio).toBeGreaterThan(0);
    expect(report.costs.map((line) => line.what)).toEqual([
      `one full resync of ${ORDERS} orders`,
      expect.stringContaining('a month of incremental runs'),
      expect.stringContaining('a month of no-change incremental runs'),
      expect.stringContaining('a month of deep lookbacks'),
      `one full resync of the unchanged shop (${ORDERS} orders), reconciliation off`,
      `one full resync of the unchanged shop (${ORDERS} orders), reconciliation on`,
    ]);
    for (const { cost } of report.costs) expect(cost.total).toBeGreaterThan(0);
    const printed = renderReport(report);
    expect(printed).toContain(`| full resync | ${ORDERS} |`);
    expect(printed).toMatch(/PASS {2}incremental: one source call/);
  });

  it("measures each other stream's own runs on the Express machine and prints a month per stream and for the three together", () => {
    for (const [stream, records] of Object.entries(OTHER_STREAMS)) {
      expect(phase('full resync', stream).counts).toMatchObject({ fetched: records, inserted: records });
      expect(phase('incremental', stream)).toMatchObject({ orders: CHANGED, apiCalls: 2, executions: 1, express: { executions: 1 } });
      expect(phase('incremental', stream).counts).toMatchObject({ updated: CHANGED, inserted: 0 });
      expect(phase('no-change incremental', stream).counts).toMatchObject({ unchanged: CHANGED, updated: 0 });
      expect(phase('no-change incremental', stream).dynamo.itemsWritten).toBe(0);
    }
    const month = report.streamsMonth!;
    expect(month.perStream.map((one) => [one.stream, one.measuredOn])).toEqual([
      ['orders', 'orders'],
      ['products', 'products'],
      ['customers', 'customers'],
    ]);
    expect(month.noChange.total).toBeCloseTo(
      month.perStream.reduce((sum, one) => sum + one.noChange.total, 0),
      9,
    );
    expect(month.changedIn.map((one) => one.stream)).toEqual(['orders', 'products', 'customers']);
    expect(month.changed.total).toBe(Math.max(...month.changedIn.map((one) => one.cost.total)));
    const printed = renderReport(report);
    expect(printed).toMatch(/ {4}products \(measured\): no change \$/);
    expect(printed).toMatch(/ {2}the three streams together, the changes in customers, the others unchanged: \$/);
    expect(printed).toMatch(/(PASS|FAIL) {2}three streams' 5-minute incremental runs, a month, no change <= \$1\.60: \$/);
    expect(printed).toContain('| products: incremental (200 in shop) | 100 |');
  });
});
