// The source misbehaves the way real APIs do: 429 storms with Retry-After, 5xx bursts, slow answers, dropped
// connections, short and empty pages. Runs retry (in the step, then in the state machine) and the copy ends exact.
import type { RunOutcome } from '../../functions/core/run-types';
import { lastOf, pageOfPayload, runChain, syncState } from '../support/e2e';
import { expectExactCopy, runToEnd } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

const ORDERS = 600;
const PAGE_SIZE = 100;

describe('a source that throttles, fails, stalls and drops connections', () => {
  let stack: E2eStack;
  /** The page step (of any run) before which the source goes down, once. */
  let downBeforePage: number | null = null;
  /** How many answers of this status (or "dropped") the source gave, over every route. */
  const answered = (status: string) =>
    Object.values(stack.fake!.stats().byRoute).reduce((sum, statuses) => sum + (statuses[status] ?? 0), 0);

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 41 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '6' },
      hooks: {
        before: (functionName, payload) => {
          if (functionName !== 'sync-page' || pageOfPayload(payload) !== downBeforePage) return;
          downBeforePage = null;
          stack.fake!.setFaults({ errorRate: 1 });
        },
      },
    });
  });
  afterAll(() => stack?.stop());
  afterEach(() => stack.fake!.resetFaults());

  it('a full resync through a 429 storm (Retry-After honoured), slow pages and short and empty pages ends exact', async () => {
    stack.fake!.setFaults({ rateLimitPerSecond: 10, retryAfterSeconds: 1, latencyMs: 20, shortPageRate: 0.3, emptyPageRate: 0.1 });
    stack.fake!.script(429, 429, 429);

    const last = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    expect(last.status).toBe('SUCCEEDED');
    expect(answered('429')).toBeGreaterThanOrEqual(3);
    expect((last.output as RunOutcome).counts).toEqual({
      fetched: ORDERS,
      inserted: ORDERS,
      updated: 0,
      unchanged: 0,
      stale: 0,
      quarantined: 0,
      deleted: 0,
    });
    const state = await expectExactCopy(stack);
    expect(state.checkpoint).toMatchObject({ isFullSync: true, recordsSynced: ORDERS });
  });

  it('an incremental run through 5xx bursts longer than the step retries and dropped connections ends exact', async () => {
    const changed = stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 300)
        .map((order) => order.id),
      creates: 50,
    });
    // Six 5xx in a row outlast the step's five tries: the page fails with SourceUnavailableError and the state
    // machine's Retry runs it again. Then steady random 5xx and drops.
    stack.fake!.script(500, 502, 503, 504, 500, 503, 'drop', 'drop');
    stack.fake!.setFaults({ errorRate: 0.15, dropRate: 0.1 });
    const before = await syncState(stack);

    const chain = await runChain(stack, { mode: 'incremental', trigger: 'schedule' });
    const last = lastOf(chain);

    expect(last.status).toBe('SUCCEEDED');
    // In whichever part the bursts met the page step (the Express part, or the Standard one it handed over to).
    const retriedByStateMachine = chain
      .flatMap((execution) => execution.events)
      .filter((event) => event.type === 'TaskFailed' && event.stateName === 'SyncPage');
    expect(retriedByStateMachine.length).toBeGreaterThanOrEqual(1);
    expect(answered('dropped')).toBeGreaterThanOrEqual(2);
    const summary = last.output as RunOutcome;
    expect(summary.counts).toMatchObject({ inserted: changed.created.length, updated: changed.updated.length, stale: 0 });
    const state = await expectExactCopy(stack);
    expect(state.checkpoint!.watermark).toBe(summary.window.to);
    expect(state.checkpoint!.createdAt).toBe(before.checkpoint!.createdAt);
  });

  it('a source down longer than every retry fails the run with the checkpoint unchanged; the next run catches up', async () => {
    stack.fake!.mutate({
      updates: stack
        .fake!.truth()
        .slice(0, 100)
        .map((order) => order.id),
    });
    stack.fake!.setFaults({ errorRate: 1 });
    const before = await syncState(stack);

    const failed = await runToEnd(stack, { mode: 'incremental', trigger: 'schedule' });

    expect(failed).toMatchObject({ status: 'FAILED', error: 'SyncFailed' });
    const afterFailure = await syncState(stack);
    expect(afterFailure.checkpoint).toEqual(before.checkpoint);
    expect(afterFailure.lease).toBeNull();
    expect(afterFailure.lastRun).toMatchObject({ status: 'failed', error: { name: 'SourceUnavailableError' } });
    expect(afterFailure.lastRun!.error!.message).toMatch(/failed 5 times in a row \(last: HTTP 50\d: unavailable: /);

    stack.fake!.resetFaults();
    const next = await runToEnd(stack, { mode: 'incremental', trigger: 'schedule' });
    expect(next.status).toBe('SUCCEEDED');
    await expectExactCopy(stack);
  });

  it('a full resync failed by an outage is resumed by the next scheduled tick, from the page that failed', async () => {
    downBeforePage = 3;
    const failed = await runToEnd(stack, { mode: 'full', trigger: 'test' });

    expect(failed).toMatchObject({ status: 'FAILED', error: 'SyncFailed' });
    const afterFailure = await syncState(stack);
    expect(afterFailure.run).toMatchObject({ mode: 'full', status: 'failed', error: { name: 'SourceUnavailableError' } });
    // The outage begins before the step of page 3, but that step's page was read ahead while page 2 was stored: it
    // is saved, and the first step the outage fails is the next one.
    expect(afterFailure.run!.pages).toBe(4);

    stack.fake!.resetFaults();
    const requestsBefore = stack.fake!.requests().length;
    const tick = await runToEnd(stack, { mode: 'incremental', trigger: 'schedule' });

    expect(tick.status).toBe('SUCCEEDED');
    // The same run, one walk of the shop: the failed run's pages and the resumed ones, no page fetched twice.
    expect(tick.output).toMatchObject({
      mode: 'full',
      runId: afterFailure.run!.runId,
      status: 'succeeded',
      counts: { fetched: stack.fake!.truth().length },
    });
    const firstPage = stack
      .fake!.requests()
      .slice(requestsBefore)
      .find((request) => request.path === '/orders');
    expect(firstPage?.query.cursor).toBe(afterFailure.run!.position.cursor);
    expect((await syncState(stack)).run).toBeNull();
    await expectExactCopy(stack);
  });
});
