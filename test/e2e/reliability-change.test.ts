// Orders change at hundreds per second while runs page through them (single and bulk updates, new orders): no
// order that stays inside a run's window is lost, and once the changes stop one incremental run makes the copy exact.
import type { RunOutcome } from '../../functions/core/run-types';
import { expectExactCopy, runToEnd, storedOrders } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { syncState, pageOfPayload } from '../support/e2e';

// Size is not the point: a few pages over several executions are enough to page through live changes. A run's
// length sets how many changes the next one reads (and a fifth of them are new orders), so runs are kept short: a
// small shop, pages of PAGE_SIZE (the cost of a page is mostly per page, not per order), the rate in the low hundreds.
const ORDERS = 600;
const PAGE_SIZE = 100;
const MAX_PAGES_PER_EXECUTION = 2;
const LIVE_RATE = 200;
/** Orders given one updated_at by one bulk update: several pages' worth of ties broken by id. */
const BULK = 250;
/** Orders the test itself changes: one mid-run bulk in the full resync (with 5 new orders), two per incremental run, one last. */
const CHANGED_BY_TEST = BULK + 5 + 2 * 2 * BULK + BULK;

describe('orders changing at hundreds per second while runs page through them', () => {
  let stack: E2eStack;
  const bulkAtPage = new Map<number, number>();

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 21 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(MAX_PAGES_PER_EXECUTION) },
      hooks: {
        // A bulk update lands in the middle of a run: BULK orders jump to one new updated_at, ahead of the cursor.
        before: (functionName, payload) => {
          const page = pageOfPayload(payload);
          if (functionName !== 'sync-page' || page === undefined || !bulkAtPage.has(page)) return;
          const ids = stack
            .fake!.truth()
            .slice(0, bulkAtPage.get(page)!)
            .map((order) => order.id);
          bulkAtPage.delete(page);
          stack.fake!.mutate({ updates: ids, bulk: true, creates: 5 });
        },
      },
    });
  });
  afterAll(() => stack?.stop());

  /** Ids the source holds with an updated_at before `to` that the copy lacks: the orders a run lost. */
  async function lostBefore(to: string): Promise<string[]> {
    const stored = await storedOrders(stack);
    return stack
      .fake!.truth({ to })
      .filter((order) => !stored.has(order.id))
      .map((order) => order.id);
  }

  it('a full resync under live changes and a mid-run bulk update loses no order that stayed in its window', async () => {
    // Page 1 (the run's second page, its ties carried into the next execution): live changes move orders past the
    // window's end, so a slow run can end before any later page.
    bulkAtPage.set(1, BULK);
    stack.fake!.setLiveRate(LIVE_RATE);

    const last = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    expect(last.status).toBe('SUCCEEDED');
    const summary = last.output as RunOutcome;
    expect(bulkAtPage.size).toBe(0);
    // Orders moved ahead of the cursor are met again; orders that moved past the window's end are the next run's.
    expect(await lostBefore(summary.window.to)).toEqual([]);
    const { counts } = summary;
    expect(counts.fetched).toBe(counts.inserted + counts.updated + counts.unchanged + counts.stale);
    const state = await syncState(stack);
    expect(state.orderCount).toBe((await storedOrders(stack)).size);
    expect(state.checkpoint?.watermark).toBe(summary.window.to);
  });

  it('incremental runs under live changes keep up, each starting its window one overlap before the last watermark', async () => {
    for (let run = 0; run < 2; run++) {
      const before = (await syncState(stack)).checkpoint!;
      // One bulk update before the run (its ties span pages inside the window), one during it (moves past its end).
      stack.fake!.mutate({
        updates: stack
          .fake!.truth()
          .slice(0, BULK)
          .map((order) => order.id),
        bulk: true,
      });
      bulkAtPage.set(1, BULK);

      const last = await runToEnd(stack, { mode: 'incremental', trigger: 'schedule' });

      expect(last.status).toBe('SUCCEEDED');
      expect(bulkAtPage.size).toBe(0);
      const summary = last.output as RunOutcome;
      expect(summary.mode).toBe('incremental');
      expect(summary.counts.fetched).toBeGreaterThanOrEqual(BULK);
      expect(Date.parse(summary.window.from!)).toBe(Date.parse(before.watermark) - 5 * 60_000);
      expect(await lostBefore(summary.window.to)).toEqual([]);
      const state = await syncState(stack);
      expect(state.orderCount).toBe((await storedOrders(stack)).size);
      expect(state.checkpoint!.watermark).toBe(summary.window.to);
    }
  });

  it('once the changes stop, one incremental run makes the copy exactly the source', async () => {
    stack.fake!.setLiveRate(0);
    // A last bulk update of several pages sharing one updated_at, after the last run and before the final one.
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, BULK)
        .map((order) => order.id),
      bulk: true,
    });
    // Live changes were made beside the test's own: at least a second's worth.
    expect(stack.fake!.stats().changes).toBeGreaterThan(CHANGED_BY_TEST + LIVE_RATE);

    const last = await runToEnd(stack, { mode: 'incremental', trigger: 'schedule' });

    expect(last.status).toBe('SUCCEEDED');
    const state = await expectExactCopy(stack);
    expect(state.checkpoint).toMatchObject({ watermark: (last.output as RunOutcome).window.to, isFullSync: false });
    expect(state.lease).toBeNull();
    expect(state.run).toBeNull();
  });
});
