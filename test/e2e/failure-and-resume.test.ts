// A full resync that meets a permanent source failure ends failed with the error on the run, the checkpoint where it
// was and the lease released; a resume goes on from the failed page, not from the first.
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import { copyDifferences, lastOf, runChain, syncState } from '../support/e2e';

const ORDERS = 1_000;
const PAGE_SIZE = 50;
const FAILING_PAGE = 7;

describe('a full resync that fails at page 7, then resumes', () => {
  let stack: E2eStack;

  beforeAll(async () => {
    stack = await startE2eStack({
      fake: { orders: ORDERS, seed: 11 },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: '5' },
    });
  });
  afterAll(() => stack?.stop());

  it('fails the run with the error recorded, checkpoint unchanged, lease released', async () => {
    // A page that is no page (no orders array) fails its request: a bad order alone would be quarantined.
    const badOrder = stack.fake!.truth()[FAILING_PAGE * PAGE_SIZE + 3]!.id;
    stack.fake!.breakPagesOf(badOrder, true);

    const chain = await runChain(stack, { mode: 'full', trigger: 'test' });

    const last = lastOf(chain);
    expect(last.status).toBe('FAILED');
    expect(last.error).toBe('SyncFailed');
    const state = await syncState(stack);
    expect(state.checkpoint).toBeNull();
    expect(state.lease).toBeNull();
    expect(state.run).toMatchObject({
      status: 'failed',
      pages: FAILING_PAGE,
      error: { name: 'InvalidPageError', page: FAILING_PAGE },
    });
    expect(state.run!.error!.message).toContain('without an "orders" array');
    expect(state.lastRun).toMatchObject({ status: 'failed', error: { name: 'InvalidPageError' } });
    expect(state.orderCount).toBe(FAILING_PAGE * PAGE_SIZE);
  });

  it('resumes from page 7: no page before it is fetched again, and the copy ends complete', async () => {
    const failed = (await syncState(stack)).run!;
    stack.fake!.breakPagesOf(stack.fake!.truth()[FAILING_PAGE * PAGE_SIZE + 3]!.id, false);
    const requestsBefore = stack.fake!.requests().length;

    const chain = await runChain(stack, { mode: 'full', trigger: 'test', resume: true });

    expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
    const pageRequests = stack
      .fake!.requests()
      .slice(requestsBefore)
      .filter((request) => request.path === '/orders');
    expect(pageRequests).toHaveLength(ORDERS / PAGE_SIZE - FAILING_PAGE);
    expect(pageRequests[0]!.query.cursor).toBe(failed.position.cursor);

    const summary = lastOf(chain).output as Record<string, any>;
    expect(summary).toMatchObject({
      status: 'succeeded',
      runId: failed.runId,
      pages: ORDERS / PAGE_SIZE,
      counts: { fetched: ORDERS, inserted: ORDERS, updated: 0, unchanged: 0, stale: 0, quarantined: 0, deleted: 0 },
      orderCount: ORDERS,
    });
    expect(await copyDifferences(stack)).toEqual({ missing: [], stale: [], extra: [], sourceCount: ORDERS });
    const state = await syncState(stack);
    expect(state.checkpoint).toMatchObject({ isFullSync: true, watermark: failed.window.to, recordsSynced: ORDERS });
    expect(state.run).toBeNull();
  });

  it('refuses a resume when there is nothing to resume', async () => {
    const chain = await runChain(stack, { mode: 'full', trigger: 'test', resume: true });
    expect(lastOf(chain)).toMatchObject({ status: 'FAILED', error: 'NothingToResumeError' });
    expect((await syncState(stack)).lease).toBeNull();
  });
});
