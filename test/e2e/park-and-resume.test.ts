// A full resync cut off two ways (stopped by hand, a page step that kept timing out after writing its orders; a
// permanent error is the use-case test's case, test/unit/use-cases/park-and-resume.test.ts) is parked by the next
// scheduled tick; several ticks run incremental syncs while the source changes, rewriting orders of the resync's
// unsaved page among others; the resume goes on from the resync's last saved page with its run id, the source serves
// about one walk's pages in all, and the copy and the order counter end exact.
import { PAGE_TIMEOUT_RETRY } from '../../infra/constructs/sync-state-machine';
import { runChain, syncState } from '../support/e2e';
import { dieBeforeSavingPage, expectExactCopy, invokeApi, seedCheckpoint, tickSchedule, waitUntil } from '../support/reliability';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';

// A dozen pages over three executions are enough to cut a resync in its second execution and resume it.
const ORDERS = 600;
const PAGE_SIZE = 50;
const MAX_PAGES_PER_EXECUTION = 4;
const WALK_PAGES = ORDERS / PAGE_SIZE;
const TICKS = 3;

function startParkStack(seed: number): Promise<E2eStack> {
  return startE2eStack({
    withTriggers: true,
    fake: { orders: ORDERS, seed },
    env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(MAX_PAGES_PER_EXECUTION) },
  });
}

/** Page requests the source has answered so far. */
function pagesServed(stack: E2eStack): number {
  return Object.values(stack.fake!.stats().byRoute['/orders'] ?? {}).reduce((sum, count) => sum + count, 0);
}

/**
 * TICKS scheduled ticks, each after changes at the source (live ones, plus orders of the parked resync's unsaved
 * page and of pages it has not walked yet); each tick syncs incrementally beside the parked resync, which the status
 * keeps showing. The last tick runs after the changes stop, so it leaves the copy exact but for the resync's part.
 */
async function ticksBesideTheParkedResync(stack: E2eStack, parkedRunId: string): Promise<void> {
  for (let tick = 1; tick <= TICKS; tick++) {
    const pending = (await syncState(stack)).parked?.pendingIds ?? (await syncState(stack)).pendingIds;
    const ahead = stack
      .fake!.truth()
      .slice(-200)
      .filter((_, n) => n % 40 === tick)
      .map((order) => order.id);
    stack.fake!.mutate({ updates: [...pending.slice(0, 5 * tick), ...ahead], creates: 3 });
    if (tick < TICKS) stack.fake!.setLiveRate(40);
    const started = await tickSchedule(stack);
    expect(started).toMatchObject({ started: true, mode: 'incremental' });
    const chain = await stack.machine.waitForChain(String(started.executionArn));
    stack.fake!.setLiveRate(0);
    expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
    const status = JSON.parse((await invokeApi(stack, 'GET', '/api/sync/status')).body);
    expect(status.orders.resumable).toMatchObject({ run_id: parkedRunId });
    expect(status.orders.last_run).toMatchObject({ mode: 'incremental', status: 'succeeded' });
  }
}

/** Resume over HTTP; the chain's outcome and the pages the source served for it. */
async function resume(stack: E2eStack): Promise<{ output: Record<string, unknown>; pages: number }> {
  const before = pagesServed(stack);
  const accepted = await invokeApi(stack, 'POST', '/api/sync/orders/full', { resume: 'true' });
  expect(accepted.statusCode).toBe(202);
  const chain = await stack.machine.waitForChain(JSON.parse(accepted.body).execution.arn);
  expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
  return { output: chain[chain.length - 1]!.output as Record<string, unknown>, pages: pagesServed(stack) - before };
}

/** The resumed run kept its id and went on from its saved page: in all, about one walk's pages. */
async function expectResumedToAnExactCopy(stack: E2eStack, cut: { runId: string; savedPages: number; pagesServed: number }): Promise<void> {
  const resumed = await resume(stack);
  expect(resumed.output).toMatchObject({ runId: cut.runId, mode: 'full', status: 'succeeded' });
  expect(resumed.pages).toBeLessThanOrEqual(WALK_PAGES - cut.savedPages + 1);
  // In all about one walk: the cut run's page that kept failing is asked for once per attempt (the state machine
  // retries a timeout), and each attempt may read the next page ahead; a restart is caught by the line above.
  expect(cut.pagesServed + resumed.pages).toBeLessThanOrEqual(WALK_PAGES + 1 + 2 * PAGE_TIMEOUT_RETRY.maxAttempts + 2);
  const state = await expectExactCopy(stack);
  expect(state.parked).toBeNull();
  expect(state.checkpoint).toMatchObject({ isFullSync: true });
}

describe('a full resync stopped by hand, parked while the schedule goes on, then resumed', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startParkStack(61);
    await seedCheckpoint(stack, stack.fake!.now());
  });
  afterAll(() => stack?.stop());

  it('goes on from its last saved page with its run id; the copy and the counter end exact', async () => {
    const servedBefore = pagesServed(stack);
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders/full')).body);
    await waitUntil('the full resync has saved 5 pages', async () => ((await syncState(stack)).run?.pages ?? 0) >= 5);
    await stack.stopExecutions();
    const stopped = (await syncState(stack)).run!;
    expect(stopped).toMatchObject({ runId: started.run_id, status: 'running' });
    const servedByTheCutRun = pagesServed(stack) - servedBefore;

    await ticksBesideTheParkedResync(stack, started.run_id);

    expect((await syncState(stack)).parked?.run).toMatchObject({ runId: started.run_id, pages: stopped.pages, position: stopped.position });
    await expectResumedToAnExactCopy(stack, { runId: started.run_id, savedPages: stopped.pages, pagesServed: servedByTheCutRun });
  }, 90_000);

  it('a new full resync without resume discards the parked one and says so', async () => {
    const started = JSON.parse((await invokeApi(stack, 'POST', '/api/sync/orders/full')).body);
    await waitUntil('the full resync has saved 3 pages', async () => ((await syncState(stack)).run?.pages ?? 0) >= 3);
    await stack.stopExecutions();
    const tick = await tickSchedule(stack);
    await stack.machine.waitForChain(String(tick.executionArn));
    expect((await syncState(stack)).parked?.run.runId).toBe(started.run_id);

    const fresh = await invokeApi(stack, 'POST', '/api/sync/orders/full');

    const body = JSON.parse(fresh.body);
    expect(body).toMatchObject({
      discarded_run: { run_id: started.run_id },
      message: expect.stringContaining(`the parked full resync ${started.run_id}`),
    });
    const chain = await stack.machine.waitForChain(body.execution.arn);
    expect(chain[chain.length - 1]!.output).toMatchObject({ status: 'succeeded', runId: body.run_id });
    expect((await expectExactCopy(stack)).parked).toBeNull();
  }, 60_000);
});

describe('a full resync whose page step kept timing out after writing its orders, parked, then resumed', () => {
  let stack: E2eStack;
  beforeAll(async () => {
    stack = await startParkStack(63);
    await seedCheckpoint(stack, stack.fake!.now());
  });
  afterAll(() => stack?.stop());

  // The hard case: the timed-out page wrote its orders (tagged with its write tag), its result never saved; the
  // ticks rewrite some of those orders; the counter must count each of them once, at park time, and not again in
  // the resume's redo of that page.
  it('counts the unsaved page once although the ticks rewrote orders of it; the copy and the counter end exact', async () => {
    const timedOutPage = 6;
    const servedBefore = pagesServed(stack);
    const disarm = dieBeforeSavingPage(stack, timedOutPage, { errorName: 'Sandbox.Timedout', every: true });
    const chain = await runChain(stack, { mode: 'full', trigger: 'test' }).finally(disarm);
    expect(chain[chain.length - 1]).toMatchObject({ status: 'FAILED' });
    const failed = await syncState(stack);
    expect(failed.run).toMatchObject({ status: 'failed', pages: timedOutPage, error: { name: 'Sandbox.Timedout' } });
    expect(failed.pendingIds).toHaveLength(PAGE_SIZE);
    expect(failed.orderCount).toBe(timedOutPage * PAGE_SIZE);
    const servedByTheCutRun = pagesServed(stack) - servedBefore;

    await ticksBesideTheParkedResync(stack, failed.run!.runId);

    await expectResumedToAnExactCopy(stack, { runId: failed.run!.runId, savedPages: timedOutPage, pagesServed: servedByTheCutRun });
  }, 90_000);
});
