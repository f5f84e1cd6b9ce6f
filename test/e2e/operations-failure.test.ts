// What an operator gets when a full resync fails on the local stack: one notification with the execution, its mode,
// the error and the console link; metrics whose page counts add up to what the orders table holds; and, after the
// resume commits, the watermark lag and no notification.
import { LocalExecutionStarter } from '../../local/aws/state-machine/local-execution-starter';
import { startRun } from '../../functions/core/use-cases/start-run';
import type { EmfOutput } from '../../functions/metrics';
import { SYNC_METRICS } from '../../functions/metric-names';
import { startDeps } from '../../functions/runtime/start';
import { epochMsOf } from '../../functions/core/instant';
import type { RunMetricsReport } from '../../local/aws/run-metrics';
import { metricValues } from '../../local/aws/run-metrics';
import { startE2eStack, type E2eStack } from '../support/e2e-stack';
import type { ExecutionRecord } from '../../local/aws/state-machine/local-state-machine';
import { lastOf, storedVersions, syncState } from '../support/e2e';

const ORDERS = 600;
const PAGE_SIZE = 50;
const PAGES_PER_EXECUTION = 4;
/** In the run's second execution: the notification must name the execution that failed, not the first. */
const FAILING_PAGE = 5;

describe('operations: a full resync fails in its second execution, then resumes', () => {
  let stack: E2eStack;
  const notifications: Array<{ text: string; execution: ExecutionRecord }> = [];
  const flushes: EmfOutput[] = [];
  const runReports: RunMetricsReport[] = [];
  let faultsScripted = false;

  beforeAll(async () => {
    stack = await startE2eStack({
      // The trigger's path (startDeps) runs in this process, as the operator's.
      inProcessHandlers: true,
      fake: { orders: ORDERS, seed: 23, faults: { retryAfterSeconds: 0 } },
      env: { PAGE_SIZE: String(PAGE_SIZE), MAX_PAGES_PER_EXECUTION: String(PAGES_PER_EXECUTION) },
      hooks: {
        // The first page meets one rate limit and one 503, so the source metrics have something to count.
        before: (functionName) => {
          if (functionName !== 'sync-page' || faultsScripted) return;
          faultsScripted = true;
          stack.fake!.script(429, 503);
        },
      },
      operations: {
        notification: (text, execution) => notifications.push({ text, execution }),
        emf: (emf) => flushes.push(emf),
        runMetrics: (report) => runReports.push(report),
      },
    });
  });
  afterAll(() => stack?.stop());

  /** Start a run as the HTTP API does (execution names say mode, trigger and time) and wait for its chain. */
  async function triggerFullSync(resume: boolean): Promise<ExecutionRecord[]> {
    const started = await startRun(
      { ...startDeps('orders'), starter: new LocalExecutionStarter(stack.machine) },
      { mode: 'full', trigger: 'test', resume },
    );
    return stack.machine.waitForChain(started.executionArn);
  }

  const pageFlushes = (runId: string) => flushes.filter((emf) => emf.report === 'page' && emf.runId === runId);
  const sum = (emfs: EmfOutput[], name: string) =>
    emfs.reduce((total, emf) => total + (metricValues(emf).find(([metric]) => metric === name)?.[1] ?? 0), 0);

  it('sends one notification: the failed execution, its mode, the error and the console link', async () => {
    // A page that is no page (no orders array) fails its request: a bad order alone would be quarantined.
    const badOrder = stack.fake!.truth()[FAILING_PAGE * PAGE_SIZE + 7]!.id;
    stack.fake!.breakPagesOf(badOrder, true);

    const chain = await triggerFullSync(false);

    const failed = lastOf(chain);
    expect(chain.map((execution) => execution.status)).toEqual(['SUCCEEDED', 'FAILED']);
    expect(notifications).toHaveLength(1);
    const { text, execution } = notifications[0]!;
    expect(execution.executionArn).toBe(failed.executionArn);
    expect(failed.name).toMatch(/^orders-full-test-\d{8}T\d{6}Z-[0-9a-f]{4}-p2$/);
    expect(text).toContain(`execution ${failed.name} ended FAILED`);
    expect(text).toContain('Error: SyncFailed');
    expect(text).toMatch(/Cause: [^\n]*without an "orders" array/);
    expect(text).toContain(
      `Execution: https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${failed.executionArn}`,
    );
    expect(text).toContain('POST /api/sync/<stream>/full?resume=true (the stream the execution name starts with)');
    // Never the raw event: no execution input or run state in the message.
    expect(text).not.toContain('"continueRun"');
    expect(text).not.toContain('"cursor"');
  });

  it('emitted page metrics that add up to what the orders table holds and the run recorded', async () => {
    const state = await syncState(stack);
    const run = state.run!;
    const stored = await storedVersions(stack);
    const pages = pageFlushes(run.runId);

    expect(stored.size).toBe(FAILING_PAGE * PAGE_SIZE);
    expect(pages).toHaveLength(FAILING_PAGE);
    expect(sum(pages, SYNC_METRICS.recordsInserted)).toBe(stored.size);
    expect(sum(pages, SYNC_METRICS.recordsInserted)).toBe(state.orderCount);
    expect(sum(pages, SYNC_METRICS.pages)).toBe(run.pages);
    expect(sum(pages, SYNC_METRICS.recordsFetched)).toBe(run.counts.fetched);
    for (const [name, count] of [
      [SYNC_METRICS.recordsUpdated, run.counts.updated],
      [SYNC_METRICS.recordsUnchanged, run.counts.unchanged],
      [SYNC_METRICS.recordsStale, run.counts.stale],
    ] as const) {
      expect(sum(pages, name)).toBe(count);
    }
    expect(sum(pages, SYNC_METRICS.sourceThrottles)).toBe(1);
    expect(sum(pages, SYNC_METRICS.sourceRetries)).toBe(1);
    expect(sum(pages, SYNC_METRICS.sourceRequests)).toBe(FAILING_PAGE + 2);
    // The alarms and dashboard read exactly this namespace and dimension set.
    for (const emf of pages) {
      expect(emf._aws.CloudWatchMetrics).toEqual([
        expect.objectContaining({ Namespace: SYNC_METRICS.namespace, Dimensions: [['service', 'stream']] }),
      ]);
      expect(emf).toMatchObject({ service: SYNC_METRICS.service, stream: 'orders' });
    }

    const ended = runReports.filter((report) => report.runId === run.runId);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({
      status: 'failed',
      mode: 'full',
      error: 'InvalidPageError',
      executionName: notifications[0]!.execution.name,
      pageTotals: { [SYNC_METRICS.recordsInserted]: stored.size, [SYNC_METRICS.pages]: FAILING_PAGE },
    });
    expect(ended[0]!.runValues[SYNC_METRICS.runDuration]).toBeGreaterThanOrEqual(0);
    // The watermark did not move: no lag is reported for a failed run.
    expect(ended[0]!.runValues).not.toHaveProperty(SYNC_METRICS.watermarkLag);
  });

  it('the resumed run commits: the rest of the pages, the watermark lag, and no notification', async () => {
    const failedRunId = (await syncState(stack)).run!.runId;
    stack.fake!.breakPagesOf(stack.fake!.truth()[FAILING_PAGE * PAGE_SIZE + 7]!.id, false);

    const chain = await triggerFullSync(true);

    expect(chain.map((execution) => execution.status)).toEqual(chain.map(() => 'SUCCEEDED'));
    expect(notifications).toHaveLength(1);
    const state = await syncState(stack);
    expect((await storedVersions(stack)).size).toBe(ORDERS);
    expect(sum(pageFlushes(failedRunId), SYNC_METRICS.recordsInserted)).toBe(ORDERS);
    expect(sum(pageFlushes(failedRunId), SYNC_METRICS.pages)).toBe(ORDERS / PAGE_SIZE);

    const committed = lastOf(runReports);
    expect(committed).toMatchObject({ runId: failedRunId, status: 'succeeded', executionName: lastOf(chain).name });
    const commitFlush = lastOf(flushes.filter((emf) => emf.report === 'run'));
    const lag = committed.runValues[SYNC_METRICS.watermarkLag]!;
    // Lag is now minus the new watermark at commit: not negative, and at most what it was when the metrics flushed.
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThanOrEqual((commitFlush._aws.Timestamp - epochMsOf(state.checkpoint!.watermark)) / 1000);
  });
});
