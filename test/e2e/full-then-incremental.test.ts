// The first sync of a shop runs full as a chain of executions (continue-as-new); the next one fetches only what
// changed since the watermark. Synthesized definition, real handlers, dynalite, fake orders API over HTTP. Each run
// ends with the daily sales' recompute phase: its steps count in the executions' budget as the pages do.
import { contributionOf } from '../../functions/core/analytics/daily-sales';
import { DAYS_PER_STEP } from '../../functions/core/use-cases/recompute-step';
import { validateOrder } from '../../functions/core/validate-order';
import type { FakeOrdersApi } from '../../local/fakes/orders-api';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import {
  copyDifferences,
  HISTORY_EVENT_LIMIT,
  lastOf,
  runChain,
  storedOrder,
  storedVersions,
  syncState,
  thousandMore,
} from '../support/e2e';

// Enough pages for a chain of three executions (continue-as-new), the incremental run in one; more orders prove nothing more.
const ORDERS = 600;
const PAGE_SIZE = 50;
const PAGES_PER_EXECUTION = 5;

/** The days (UTC, the default shop zone) these source orders, as served now, count in the daily sales. */
function salesDaysOf(fake: FakeOrdersApi, ids: readonly string[]): Set<string> {
  return new Set(ids.flatMap((id) => contributionOf(validateOrder(fake.order(id)), 'UTC').map(({ day }) => day)));
}

/** The recompute phase's steps for these touched days: DAYS_PER_STEP days a step, and one that finds none. */
function salesSteps(days: ReadonlySet<string>): number {
  return Math.max(1, Math.ceil(days.size / DAYS_PER_STEP));
}

describe('a full sync, then an incremental one', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      // Two years of history: the recompute of every day the orders count in takes more than one step.
      fake: { orders: ORDERS, seed: 7, historyDays: 730 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION) },
    });
  });
  afterAll(() => stack?.stop());

  it('runs the first sync full, as a chain of small executions, storing every order with exact counts', async () => {
    const chain = await runChain(stack, { mode: 'incremental', trigger: 'test' });

    const pages = ORDERS / PAGE_SIZE;
    // After the pages, one page of the deletion feed, one reconciliation step and the recompute of every day the shop's
    // orders count in: steps of the execution's budget too.
    const recompute = salesSteps(
      salesDaysOf(
        stack.fake,
        stack.fake.truth().map((order) => order.id),
      ),
    );
    expect(recompute).toBeGreaterThan(1);
    const steps = pages + 2 + recompute;
    expect(chain.map((execution) => execution.status)).toEqual(Array(Math.ceil(steps / PAGES_PER_EXECUTION)).fill('SUCCEEDED'));
    expect(chain.slice(1).map((execution) => execution.name)).toEqual(
      chain.slice(1).map((_, index) => expect.stringMatching(new RegExp(`^orders-full-test-\\d{8}T\\d{6}Z-[0-9a-f]{4}-p${index + 2}$`))),
    );
    for (const execution of chain) expect(execution.events.length).toBeLessThan(HISTORY_EVENT_LIMIT / 10);

    const summary = lastOf(chain).output as Record<string, any>;
    expect(summary).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      pages,
      counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS,
    });
    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: ORDERS });

    const state = await syncState(stack);
    expect(state.lease).toBeNull();
    expect(state.run).toBeNull();
    expect(state.orderCount).toBe(ORDERS);
    expect(state.checkpoint).toMatchObject({
      watermark: summary.window.to,
      recordsSynced: ORDERS,
      isFullSync: true,
      lastRecordTime: stack.fake!.truth().at(-1)!.updated_at,
    });
    expect(state.checkpoint!.createdAt).toBe(state.checkpoint!.updatedAt);
    expect(state.lastRun).toMatchObject({ status: 'succeeded', mode: 'full', pages });
  });

  it('then fetches only what changed since the watermark: inserts the new, updates the changed, rewrites nothing else', async () => {
    const before = await syncState(stack);
    const storedBefore = await storedVersions(stack);
    const changedIds = stack
      .fake!.truth()
      .slice(0, 100)
      .map((order) => order.id);
    // The days the recompute phase will take: the changed orders' days before and after, the new orders' days.
    const touchedDays = salesDaysOf(stack.fake, changedIds);
    const { created } = stack.fake!.mutate({ updates: changedIds, creates: 20 });
    for (const day of salesDaysOf(stack.fake, [...changedIds, ...created])) touchedDays.add(day);
    const requestsBefore = stack.fake!.stats().requests;

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });

    // Three pages and the deletion feed's, then the touched days' recompute: 100 changes spread over the shop's
    // history touch some hundred days, so the run hands over once the execution's five steps are spent.
    const pagesAndFeed = Math.ceil(120 / PAGE_SIZE) + 1; // the overlap's few re-read orders fit the third page
    expect(chain).toHaveLength(Math.ceil((pagesAndFeed + salesSteps(touchedDays)) / PAGES_PER_EXECUTION));
    const summary = lastOf(chain).output as Record<string, any>;
    const window = summary.window as { from: string; to: string };
    const insideOverlap = stack.fake!.truth({ from: window.from, to: window.to }).length - 120;
    expect(window.from < before.checkpoint!.watermark).toBe(true);
    expect(summary).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      counts: { fetched: 120 + insideOverlap, inserted: 20, updated: 100, unchanged: insideOverlap, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS + 20,
    });
    // 120 changed orders fit one 50-order page thrice: three calls, no count call for an incremental run; and one page
    // of the deletion feed (nothing deleted).
    expect(stack.fake!.stats().requests - requestsBefore).toBe((Math.ceil((120 + insideOverlap) / PAGE_SIZE) || 1) + 1);

    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: ORDERS + 20 });
    const storedAfter = await storedVersions(stack);
    const rewritten = [...storedBefore].filter(([id, version]) => storedAfter.get(id)?.writeTag !== version.writeTag).map(([id]) => id);
    expect(rewritten.sort()).toEqual([...changedIds].sort());
    expect(created.every((id) => storedAfter.has(id))).toBe(true);

    const state = await syncState(stack);
    expect(state.checkpoint).toMatchObject({ watermark: window.to, isFullSync: false, recordsSynced: 120 + insideOverlap });
    expect(state.checkpoint!.createdAt).toBe(before.checkpoint!.createdAt);
    expect(state.orderCount).toBe(ORDERS + 20);
  });

  it('stores a version made in the second of the one it read, with the same updated_at: counted updated, its total exact', async () => {
    // The last order the incremental run stored changes again within its updated_at second (the fake keeps the stamp).
    const { id, updated_at } = stack.fake!.truth().at(-1)!;
    const total = thousandMore(stack.fake!.order(id)!.total_price);
    stack.fake!.reviseInSameSecond(id, { total_price: total });

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });

    const summary = chain[0]!.output as Record<string, any>;
    const fetched = stack.fake!.truth(summary.window).length;
    expect(summary).toMatchObject({
      status: 'succeeded',
      counts: { fetched, inserted: 0, updated: 1, unchanged: fetched - 1, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS + 20,
    });
    expect(await storedOrder(stack, id)).toMatchObject({ updatedAt: updated_at, totalPrice: total });
  });
});
